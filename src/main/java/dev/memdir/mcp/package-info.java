/**
 * The Model Context Protocol server ({@code memdir mcp}): an agent directory's memory and retrieval
 * tools, its core memory blocks as resources and a prompt, served with the official MCP Java SDK
 * over stdio or streamable HTTP.
 *
 * <p>Tool calls go through the agent's own {@link dev.memdir.tools.Toolbox}, so names, schemas,
 * limits, confinement and error texts are those the agent's model sees; writes go through the same
 * {@link dev.memdir.Agent} facade (write lock, hand-edit rules) as the CLI. Imports the facade and
 * {@code tools}, {@code memory}, {@code history}, {@code search} and {@code format}; never picocli
 * (the command lives in {@code cli}) and never {@code agent} or {@code llm}: it runs no model.
 */
package dev.memdir.mcp;
