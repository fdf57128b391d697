package dev.memdir.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentConfigGitTest {
  @Test
  void gitAutocommitIsReadAndIsNotAnUnknownKey() {
    AgentConfig.Read r = AgentConfig.read("name: a\ngit:\n  autocommit: true\n", "d");
    assertThat(r.config().gitAutocommit()).isTrue();
    assertThat(r.broken()).isEmpty();
    assertThat(r.warnings()).isEmpty();
    assertThat(AgentConfig.read("name: a\n", "d").config().gitAutocommit()).isFalse();
  }

  @Test
  void aWrongGitValueIsABrokenKeyNamingItsLineAndAutocommitStaysOff() {
    AgentConfig.Read r = AgentConfig.read("name: a\ngit:\n  autocommit: maybe\n", "d");
    assertThat(r.config().gitAutocommit()).isFalse();
    assertThat(r.broken()).hasSize(1);
    assertThat(r.broken().get(0).problem().toString())
        .isEqualTo("agent.yaml:3: 'git.autocommit' must be true or false, got \"maybe\"");
    AgentConfig.Read unknown = AgentConfig.read("name: a\ngit:\n  autopush: true\n", "d");
    assertThat(unknown.broken().get(0).problem().toString())
        .isEqualTo("agent.yaml:3: unknown key 'git.autopush' (known: autocommit)");
  }
}
