package dev.memdir.llm;

/** Whether the model may, must or must not call a tool. */
public enum ToolChoice {
  /** The model decides. */
  AUTO,
  /** The model must call some tool. */
  REQUIRED,
  /** The model must not call a tool. */
  NONE
}
