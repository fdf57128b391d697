package dev.memdir;

/** A setting in {@code agent.yaml} or on the command line is missing or has the wrong type. */
public class ConfigException extends FormatException {
  private static final long serialVersionUID = 1L;

  /** Creates a configuration error at a line of a file. */
  public ConfigException(String file, int line, String detail) {
    super(file, line, detail);
  }
}
