package org.neuronexplainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The top-level help lists each command by the first line of its description. */
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
}
