/**
 * Core memory: the blocks always in the agent's context window, one Markdown file each under {@code
 * memory/}. Edits follow Letta's tools (replace, insert, rethink, append) and enforce each block's
 * character limit. Depends only on {@code format}.
 */
package dev.memdir.memory;
