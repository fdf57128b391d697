/**
 * The tool surface the model sees: each tool's JSON schema with Letta's names and parameters
 * ({@link dev.memdir.tools.ToolDefinition}), argument parsing and validation whose errors go back
 * to the model as the tool's result ({@link dev.memdir.tools.ToolResult}), and dispatch ({@link
 * dev.memdir.tools.Toolbox}).
 *
 * <p>Tools edit memory as {@link dev.memdir.memory.Actor#AGENT}, passing the hash of the block text
 * the model last saw ({@link dev.memdir.tools.SeenBlocks}), so a person's edit is never
 * overwritten. Imports {@code format}, {@code memory}, {@code archival}, {@code history} and {@code
 * search}; never {@code llm} or {@code agent}: it knows nothing of models or of the step loop.
 */
package dev.memdir.tools;
