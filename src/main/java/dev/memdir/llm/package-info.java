/**
 * Language-model clients: the small {@link dev.memdir.llm.ChatModel} interface, its request and
 * response values, and two clients written on {@code java.net.http} and Jackson, one for any
 * OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, llama.cpp, LM Studio,
 * OpenRouter) and one for Anthropic's Messages API.
 *
 * <p>The only package that speaks HTTP to models. It knows nothing of agent directories beyond the
 * settings in {@link dev.memdir.format.AgentConfig}; it imports only {@code format} and the
 * exception types in {@code dev.memdir}. API keys never leave this package: they are masked in
 * every message and {@code toString}.
 */
package dev.memdir.llm;
