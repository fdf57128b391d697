/**
 * A strict scripted model server for tests, shipped like OkHttp's MockWebServer: real HTTP/1.1 on
 * 127.0.0.1 speaking OpenAI's chat-completions and Anthropic's Messages wire formats, streaming
 * included. Each test enqueues the replies it wants; the server checks every request the way the
 * real APIs do and answers invalid ones with their 400 errors, records every request, and can
 * inject faults (statuses, delays, truncated bodies, dropped or stalled connections).
 *
 * <p>It imports only the JDK and Jackson, and nothing of {@code dev.memdir.llm}: it is an
 * independent model of the wire formats, so the clients are checked against it, not against
 * themselves.
 */
package dev.memdir.llm.scripted;
