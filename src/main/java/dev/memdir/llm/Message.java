package dev.memdir.llm;

/** One message of a conversation sent to a model. */
public sealed interface Message
    permits SystemMessage, UserMessage, AssistantMessage, ToolResultMessage {}
