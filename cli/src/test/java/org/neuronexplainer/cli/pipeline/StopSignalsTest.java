package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The first Ctrl-C stops gently, a second one halts with 130, and a third changes nothing. */
class StopSignalsTest {

  private final List<String> seen = new ArrayList<>();
  private final StopSignals signals =
      new StopSignals(
          () -> seen.add("gently"), () -> seen.add("now"), code -> seen.add("halt " + code));

  @Test
  void theFirstSignalStopsGently() {
    signals.received();

    assertThat(seen).containsExactly("gently");
  }

  @Test
  void aSecondSignalSaysSoAndHaltsWith130() {
    signals.received();
    signals.received();
    signals.received();

    assertThat(seen).containsExactly("gently", "now", "halt 130");
  }

  @Test
  void thisJvmLetsSigintBeTakenAndGivenBack() {
    StopSignals.Installed taken = signals.install();

    assertThat(taken).as("sun.misc.Signal on this JDK").isNotNull();
    taken.close();
    assertThat(seen).isEmpty();
  }
}
