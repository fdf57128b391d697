/**
 * The agent itself: context assembly ({@code ContextBuilder}: system prompt, core memory blocks,
 * metadata, file windows, tool rules, then the latest summary and the messages after it, with token
 * counts), the step loop ({@link dev.memdir.agent.Runner}) and the summariser that handles overflow
 * by appending {@code summary} records. The {@code dev.memdir.Agent} facade delegates here.
 *
 * <p>May import {@code tools}, {@code search}, {@code memory}, {@code history}, {@code archival},
 * {@code format} and {@code llm}. It writes the history and (through the tools) memory and
 * archival; it never rewrites a history line.
 */
package dev.memdir.agent;
