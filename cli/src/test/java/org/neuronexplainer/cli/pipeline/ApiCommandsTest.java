package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.config.Env;
import picocli.CommandLine;

/** What the API commands print. */
class ApiCommandsTest {

  @Test
  void aMalformedRunIdIsNamedBeforeAnyRequest() {
    for (String command : new String[] {"status", "requeue", "cancel"}) {
      StringWriter err = new StringWriter();
      CommandLine commandLine = Main.commandLine();
      commandLine.setErr(new PrintWriter(err, true));

      assertThat(commandLine.execute(command, "a b")).isEqualTo(2);
      assertThat(err.toString())
          .isEqualTo(
              command
                  + ": malformed run id 'a b': a run id is 1-100 letters, digits, '.', '_' or '-',"
                  + " starting with a letter or digit"
                  + System.lineSeparator());
    }
  }

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

  @Test
  void statusAddsTheFirstFailedNeuronsWithTheirReasonsAndTheirCount() throws Exception {
    String run = "{\"runId\":\"r\",\"state\":\"failed\",\"progress\":{\"states\":{\"failed\":25}}}";
    StringBuilder neurons = new StringBuilder("[");
    for (int i = 0; i < 25; i++) {
      neurons.append(i == 0 ? "" : ",").append("{\"neuron\":\"0:").append(i);
      neurons.append("\",\"state\":\"failed\",\"stage\":\"explain-and-score\",\"attempt\":3,");
      neurons.append("\"reason\":\"endpoint down ").append(i).append("\",\"score\":null}");
    }
    neurons.append("]");

    JsonNode status =
        new ObjectMapper().readTree(ApiCommands.Status.withFailures(run, neurons.toString()));

    assertThat(status.get("state").asText()).isEqualTo("failed");
    assertThat(status.at("/failures/count").asInt()).isEqualTo(25);
    assertThat(status.at("/failures/file").asText()).isEqualTo("runs/r/failures.jsonl");
    JsonNode shown = status.at("/failures/neurons");
    assertThat(shown).hasSize(ApiCommands.Status.FAILURES_SHOWN);
    assertThat(shown.get(0).get("neuron").asText()).isEqualTo("0:0");
    assertThat(shown.get(0).get("stage").asText()).isEqualTo("explain-and-score");
    assertThat(shown.get(0).get("attempt").asInt()).isEqualTo(3);
    assertThat(shown.get(0).get("reason").asText()).isEqualTo("endpoint down 0");
    assertThat(shown.get(0).has("score")).isFalse();
  }

  @Test
  void statusOfARunWithoutFailuresIsTheApisAnswer() throws Exception {
    String run = "{\"runId\":\"r\",\"state\":\"succeeded\"}";
    assertThat(ApiCommands.Status.withFailures(run, null)).isEqualTo(run);
    assertThat(ApiCommands.Status.withFailures(run, "[]")).isEqualTo(run);
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
