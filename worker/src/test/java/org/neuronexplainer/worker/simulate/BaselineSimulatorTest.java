package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.explain.BaselineExplainer;

class BaselineSimulatorTest {
  private final BaselineSimulator simulator = new BaselineSimulator();

  @Test
  void namedTokensGetTenAndOthersZero() {
    SequenceSimulation simulation =
        simulator.simulateNow(
            "the tokens \" Canada\" and \" Ottawa\"",
            List.of("In", " Canada", ",", "Ottawa", " canada"));

    assertThat(simulation.expectedActivations()).containsExactly(0, 10, 0, 10, 10);
    assertThat(simulation.activationScale())
        .isEqualTo(ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS);
    assertThat(simulation.distributionValues()).isEmpty();
    assertThat(simulation.uncalibratedSimulation()).isNull();
  }

  @Test
  void readsWhatTheBaselineExplainerWrites() {
    String explanation =
        new BaselineExplainer()
            .explain(
                List.of(
                    new ActivationRecord(List.of("say \"eh\"", "\t", "x"), new double[] {5, 5, 0}),
                    new ActivationRecord(List.of("say \"eh\"", "\t"), new double[] {5, 5})))
            .text();

    assertThat(simulator.simulateNow(explanation, List.of("x", "say \"eh\"")).expectedActivations())
        .containsExactly(0, 10);
  }

  @Test
  void anExplanationThatNamesNothingPredictsZeros() {
    assertThat(
            simulator
                .simulateNow("words about the weather", List.of("rain", "sun"))
                .expectedActivations())
        .containsExactly(0, 0);
  }
}
