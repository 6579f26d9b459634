package org.neuronexplainer.worker.revise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;

class DisagreementsTest {
  private static final List<String> TOKENS = List.of(" a", " b", " c");

  private static ScoredSequenceSimulation sequence(double[] real, double[] raw) {
    SequenceSimulation uncalibrated =
        new SequenceSimulation(
            TOKENS,
            raw,
            ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS,
            List.of(),
            List.of(),
            null);
    // Calibrated values on another scale: the 0 to 10 prediction is the uncalibrated one.
    double[] calibrated = {raw[0] * 100, raw[1] * 100, raw[2] * 100};
    SequenceSimulation simulation =
        new SequenceSimulation(
            TOKENS,
            calibrated,
            ActivationScale.NEURON_ACTIVATIONS,
            List.of(),
            List.of(),
            uncalibrated);
    return new ScoredSequenceSimulation(simulation, real, 0, 0, 0);
  }

  private static ScoredSimulation simulation() {
    return new ScoredSimulation(
        List.of(
            // fires (10 >= half of 10), predicted 4: missed
            sequence(new double[] {0, 10, 4}, new double[] {0, 4, 0}),
            // silent (4.9 < 5), predicted 5: false alarm
            sequence(new double[] {4.9, 0, 0}, new double[] {0, 0, 5}),
            // fires (5), predicted 9: right
            sequence(new double[] {5, 0, 0}, new double[] {9, 0, 0}),
            // silent, predicted nothing: right
            sequence(new double[] {0, 0, 0}, new double[] {0, 0, 0})),
        0,
        0,
        0);
  }

  @Test
  void theSimulationMissesWhatFiresAndClaimsWhatIsPredictedAtFiveOrMore() {
    List<Disagreement> wrong = Disagreements.fromSimulation(simulation());

    assertThat(wrong).hasSize(2);
    assertThat(wrong.get(0).missed()).isTrue();
    assertThat(wrong.get(0).scorer()).isEqualTo("simulation");
    assertThat(wrong.get(0).marked()).containsExactly(1);
    assertThat(wrong.get(0).peakToken()).isEqualTo(" b");
    assertThat(wrong.get(1).missed()).isFalse();
    assertThat(wrong.get(1).marked()).containsExactly(2);
  }

  @Test
  void classificationErrorsComeAfterTheSimulationsWithTheirActivationsLookedUp() {
    ActivationRecord top =
        new ActivationRecord(List.of(" x", " Monday", " y"), new double[] {0, 3, 2});
    ActivationRecord silent = new ActivationRecord(List.of(" p", " q"), new double[] {0, 0});
    NeuronRecord neuron =
        new NeuronRecord(
            new NeuronId(0, 1),
            List.of(silent, silent),
            null,
            null,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            List.of(top));
    ClassifiedExplanation detection =
        ClassifiedExplanation.of(
            "e",
            List.of(
                new ClassifiedExcerpt("top:0", "activating", top.tokens(), null, true, false, null),
                new ClassifiedExcerpt(
                    "random:1", "random", silent.tokens(), null, false, true, null),
                new ClassifiedExcerpt(
                    "random:0", "random", silent.tokens(), null, false, false, null)));
    ClassifiedExplanation fuzzing =
        ClassifiedExplanation.of(
            "e",
            List.of(
                new ClassifiedExcerpt(
                    "top:0", "activating", top.tokens(), List.of(0), false, true, null)));

    Disagreements all =
        Disagreements.of(
            neuron,
            simulation(),
            Map.of(ClassifierKind.FUZZING, fuzzing, ClassifierKind.DETECTION, detection));

    assertThat(all.missed())
        .extracting(Disagreement::scorer)
        .containsExactly("simulation", "detection");
    Disagreement missed = all.missed().get(1);
    assertThat(missed.activations()).containsExactly(0, 3, 2);
    // Both tokens at or above half of the peak of 3.
    assertThat(missed.marked()).containsExactly(1, 2);
    assertThat(all.falseAlarms())
        .extracting(Disagreement::scorer)
        .containsExactly("simulation", "detection", "fuzzing");
    assertThat(all.falseAlarms().get(1).marked()).isEmpty();
    assertThat(all.falseAlarms().get(2).marked()).containsExactly(0);
    assertThat(all.falseAlarms().get(2).activations()).containsExactly(0, 3, 2);

    Disagreements capped =
        Disagreements.of(neuron, simulation(), Map.of(ClassifierKind.DETECTION, detection), 1, 1);
    assertThat(capped.missed()).extracting(Disagreement::scorer).containsExactly("simulation");
    assertThat(capped.falseAlarms()).extracting(Disagreement::scorer).containsExactly("simulation");
  }

  @Test
  void anExplanationThatGotNothingWrongHasNoDisagreements() {
    ScoredSimulation right =
        new ScoredSimulation(
            List.of(sequence(new double[] {0, 10, 0}, new double[] {0, 10, 0})), 1, 1, 1);
    assertThat(Disagreements.of(null, right, Map.of()).isEmpty()).isTrue();
  }
}
