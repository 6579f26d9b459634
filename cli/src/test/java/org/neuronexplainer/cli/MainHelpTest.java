package org.neuronexplainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The top-level help and version. */
class MainHelpTest {

  @Test
  void everyCommandsFirstLineIsAShortWholeSentence() {
    Map<String, CommandLine> commands = Main.commandLine().getSubcommands();

    assertThat(commands).isNotEmpty();
    commands.forEach(
        (name, command) -> {
          if (name.equals("help")) {
            return; // picocli's own, listed by its header
          }
          String[] description = command.getCommandSpec().usageMessage().description();
          assertThat(description).as(name).isNotEmpty();
          String first = description[0];
          assertThat(first).as(name).endsWith(".").hasSizeLessThanOrEqualTo(76);
          assertThat(first.substring(0, 1)).as(name).isUpperCase();
        });
  }

  @Test
  void versionIsTheProjectsVersion() {
    StringWriter out = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));

    int exitCode = commandLine.execute("--version");

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .matches("(?s)neuron-explainer \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R" + "Java .*")
        .doesNotContain("development build")
        .doesNotContain("${");
  }
}
