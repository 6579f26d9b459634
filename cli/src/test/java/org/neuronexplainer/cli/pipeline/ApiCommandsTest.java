package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.config.Env;

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

  @TempDir Path home;

  @Test
  void theTokenComesFromTheEnvironmentFirst() throws Exception {
    Files.writeString(home.resolve("api-token"), "from-the-file-0123456789\n");

    assertThat(ApiCommands.token(new Env(Map.of("COORDINATOR_API_TOKEN", " given ")), home))
        .isEqualTo("given");
  }

  @Test
  void theTokenFileThatRunWritesIsReadWhenNoTokenIsGiven() throws Exception {
    Files.writeString(home.resolve("api-token"), "from-the-file-0123456789\n");

    assertThat(ApiCommands.token(new Env(Map.of()), home)).isEqualTo("from-the-file-0123456789");
  }

  @Test
  void noTokenAnywhereSaysWhereOneIsLookedFor() {
    assertThatThrownBy(() -> ApiCommands.token(new Env(Map.of()), home))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("set COORDINATOR_API_TOKEN")
        .hasMessageContaining(home.resolve("api-token").toString());
  }
}
