/**
 * Archival memory: long-term facts, one Markdown file each under {@code archival/}, found by search
 * on demand. A person may add or delete the files by hand. Depends only on {@code format}.
 */
package dev.memdir.archival;
