package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiCommandsTest {

  @Test
  void aConflictIsReportedAsTheApisMessageAlone() {
    assertThat(
            ApiCommands.errorMessage(
                "{\"error\":\"run r already succeeded at 1970-01-01T00:00:02Z; nothing to cancel\"}"))
        .isEqualTo("run r already succeeded at 1970-01-01T00:00:02Z; nothing to cancel");
    assertThat(ApiCommands.errorMessage("<html>proxy error</html>"))
        .isEqualTo("<html>proxy error</html>");
    assertThat(ApiCommands.errorMessage("{\"message\":\"x\"}")).isEqualTo("{\"message\":\"x\"}");
  }
}
