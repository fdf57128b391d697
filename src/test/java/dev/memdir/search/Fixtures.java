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
      date: 2023-05-08T14:14:00
      date_text: 2:14 pm on 8 May, 2023
      participants: [Nadia, Marek]
      ---
      Nadia: Hey Mar! Good to see you. How have you been?
      Marek: Hi Nadia! Busy with the kids. We went camping at the lake last weekend.

      Nadia: Camping sounds fun. Did the kids like sleeping in a tent?
      Marek: They loved it. We roasted marshmallows by the fire. [image: a tent beside a lake]
      Nadia: I went to a repair cafe for old radios yesterday.
      Marek: That sounds clever. How did it feel?
      Nadia: It felt like finding treasure. I want to work in carpentry one day.
      """;

  static final String SESSION_2 =
      """
      ---
      kind: conversation
      session: 2
      date: 2023-06-20
      date_text: 9:10 am on 20 June, 2023
      participants: [Nadia, Marek]
      ---
      Marek: I painted a lighthouse over the lake last week.
      Nadia: I would love to see your painting!
      Marek: Painting keeps me calm. Knitting too.
      Nadia: I signed up for a carpentry course at the college.
      Marek: Which college?
      Nadia: The community college downtown; classes start in September.
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
