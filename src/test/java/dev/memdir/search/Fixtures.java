package dev.memdir.search;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small agent directories written by tests. */
final class Fixtures {
  private Fixtures() {}

  static final String SESSION_1 =
      """
      ---
      kind: conversation
      session: 1
      date: 2023-05-08T13:56:00
      date_text: 1:56 pm on 8 May, 2023
      participants: [Caroline, Melanie]
      ---
      Caroline: Hey Mel! Good to see you. How have you been?
      Melanie: Hi Caroline! Busy with the kids. We went camping at the lake last weekend.

      Caroline: Camping sounds fun. Did the kids like sleeping in a tent?
      Melanie: They loved it. We roasted marshmallows by the fire. [image: a tent beside a lake]
      Caroline: I went to a support group for transgender people yesterday.
      Melanie: That sounds powerful. How did it feel?
      Caroline: It felt like coming home. I want to work in counseling one day.
      """;

  static final String SESSION_2 =
      """
      ---
      kind: conversation
      session: 2
      date: 2023-06-20
      date_text: 9:10 am on 20 June, 2023
      participants: [Caroline, Melanie]
      ---
      Melanie: I painted a sunrise over the lake last week.
      Caroline: I would love to see your painting!
      Melanie: Painting keeps me calm. Pottery too.
      Caroline: I signed up for a counseling course at the college.
      Melanie: Which college?
      Caroline: The community college downtown; classes start in September.
      """;

  static final String NOTES =
      """
      # Garden notes

      Tomatoes need full sun and deep watering.
      Water them in the morning.

      Basil grows well next to tomatoes.

      The lake behind the house freezes in January.
      """;

  /** A new agent in {@code dir} with the two sessions and the notes under files/. */
  static Path conversationAgent(Path dir) {
    Path agent = dir.resolve("agent");
    Agent.init(agent, InitOptions.defaults()).close();
    write(agent.resolve("files/session-01_2023-05-08.md"), SESSION_1);
    write(agent.resolve("files/session-02_2023-06-20.md"), SESSION_2);
    write(agent.resolve("files/notes.md"), NOTES);
    return agent;
  }

  /** A new agent with nothing under files/. */
  static Path emptyAgent(Path dir) {
    Path agent = dir.resolve("agent");
    Agent.init(agent, InitOptions.defaults()).close();
    return agent;
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
