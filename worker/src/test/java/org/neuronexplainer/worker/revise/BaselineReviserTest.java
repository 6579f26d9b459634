package org.neuronexplainer.worker.revise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.worker.explain.BaselineExplainer;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.simulate.BaselineSimulator;

class BaselineReviserTest {
  private static final ExplainerInput INPUT = ExplainerInput.of(Days.neuron(new NeuronId(0, 0), 1));

  private static Disagreement missed(String... tokens) {
    double[] activations = new double[tokens.length];
    activations[tokens.length - 1] = 3;
    return new Disagreement("simulation", true, List.of(tokens), activations, List.of());
  }

  @Test
  void addsThePeaksOfMissedExcerptsAndDropsWhatFalseAlarmsFiredOn() {
    Revision revision =
        new Revision(
            INPUT,
            "the tokens \" Monday\" and \" the\"",
            List.of(missed(" a", " Friday"), missed(" b", " monday"), missed(" c", " the")),
            List.of(new Disagreement("fuzzing", false, List.of(" the", " x"), null, List.of(0))));

    String revised = BaselineReviser.revised(revision);

    // " the" was a false alarm: dropped, and not added back by a missed excerpt's peak.
    assertThat(revised).isEqualTo("the tokens \" Monday\" and \" Friday\"");
    List<String> tokens = List.of(" Friday", " the", " Monday");
    assertThat(new BaselineSimulator().simulateNow(revised, tokens).expectedActivations())
        .containsExactly(10, 0, 10);
  }

  @Test
  void aDetectionFalseAlarmDropsEveryNamedTokenItHoldsAndNothingLeftSaysSo() {
    Revision revision =
        new Revision(
            INPUT,
            "the token \" Monday\"",
            List.of(),
            List.of(
                new Disagreement("detection", false, List.of(" Monday", " x"), null, List.of())));

    assertThat(BaselineReviser.revised(revision)).isEqualTo(BaselineExplainer.NOTHING);
  }
}
