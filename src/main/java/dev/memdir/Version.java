package dev.memdir;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;

/** The memdir version and the commit it was built from, from the build. */
public final class Version {
  private Version() {}

  /** The version string, for example {@code 0.1.0-SNAPSHOT}; "unknown" outside a build. */
  public static String get() {
    return properties().getProperty("version", "unknown");
  }

  /**
   * The full id of the git commit this memdir was built from; empty when it was built outside a git
   * checkout (or not by Maven).
   */
  public static Optional<String> commit() {
    String c = properties().getProperty("commit", "");
    return c.matches("[0-9a-f]{40}") ? Optional.of(c) : Optional.empty();
  }

  /**
   * Whether the checkout it was built from had changes not committed (so {@link #commit} does not
   * name all of the code); false when unknown.
   */
  public static boolean dirty() {
    return commit().isPresent() && "true".equals(properties().getProperty("dirty"));
  }

  private static Properties properties() {
    return Holder.PROPERTIES;
  }

  /** The build's properties, read once, when first asked for. */
  private static final class Holder {
    static final Properties PROPERTIES = read();
  }

  private static Properties read() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // An unreadable resource: every value is "unknown".
    }
    return p;
  }
}
