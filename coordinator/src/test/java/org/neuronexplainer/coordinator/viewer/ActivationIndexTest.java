package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;

/** The token index's ranking, paging and filtering, and what a neuron's summary keeps. */
class ActivationIndexTest {

  private static NeuronActivity neuron(int layer, int index, String token, double activation) {
    NeuronRecord record =
        new NeuronRecord(
            new NeuronId(layer, index),
            List.of(new ActivationRecord(List.of(" a", " b"), new double[] {activation, -1})),
            null,
            null,
            0,
            1,
            0,
            0,
            List.of(
                new ActivationRecord(
                    List.of(" the", token, " end"), new double[] {0.1, activation, 0.05})));
    return NeuronActivity.of(record, null);
  }

  @Test
  void neuronsRankByTheirActivationOnTheTokenAndPageInOrder() {
    List<NeuronActivity> all = new ArrayList<>();
    for (int n = 0; n < 30; n++) {
      all.add(neuron(n % 3, n, " Paris", n * 0.1));
    }
    all.add(neuron(0, 99, " London", 9));
    ActivationIndex index = ActivationIndex.build(all);
    // n = 0 never goes above 0 on " Paris", so it does not keep the token.
    ActivationIndex.Result first = index.search("paris", a -> true, 0, 5);
    assertThat(first.total()).isEqualTo(29);
    assertThat(first.hits().stream().map(h -> h.neuron().neuron().neuronIndex()))
        .containsExactly(29, 28, 27, 26, 25);
    ActivationIndex.Result second = index.search(" PARIS ", a -> true, 5, 5);
    assertThat(second.hits().get(0).neuron().neuron().neuronIndex()).isEqualTo(24);
    ActivationIndex.Result layer1 =
        index.search("Paris", a -> a.neuron().layerIndex() == 1, 0, 100);
    assertThat(layer1.total()).isEqualTo(10);
    assertThat(index.search("berlin", a -> true, 0, 5).total()).isZero();
    assertThat(index.search("   ", a -> true, 0, 5).total()).isZero();
  }

  @Test
  void aSummaryKeepsTheStrongestTokensOnceEachWithTheirLargestActivation() {
    NeuronRecord record =
        new NeuronRecord(
            new NeuronId(1, 2),
            List.of(
                new ActivationRecord(List.of(" x", " y", " z", "\\n"), new double[] {1, 0, -2, 3})),
            null,
            null,
            0,
            1,
            0,
            0,
            List.of(
                new ActivationRecord(List.of(" Dog", " dog", "\n"), new double[] {2, 5, 7}),
                new ActivationRecord(List.of(" cat", "Dog"), new double[] {1, 3})));
    NeuronActivity activity =
        NeuronActivity.of(
            record, new TokenLookupTableSummaryOfNeuron(List.of(" bird"), new double[] {4}));
    // Whitespace-only tokens are not kept; " Dog", " dog" and "Dog" are one key.
    assertThat(activity.tokens()).containsExactly("dog", "bird", "cat");
    assertThat(activity.activationOn("dog")).isEqualTo(5.0);
    // 2 of the 4 sampled tokens are above 0 (NaN and 0 are not).
    assertThat(activity.density()).isEqualTo(0.5);
    assertThat(activity.sampleTokens()).isEqualTo(4);
    assertThat(activity.maxActivation()).isEqualTo(7.0);
    assertThat(activity.dead()).isFalse();
  }

  @Test
  void aNeuronTheCorpusNeverMovedAboveZeroIsDeadWhateverItsSample() {
    NeuronRecord record =
        new NeuronRecord(
            new NeuronId(1, 3),
            List.of(),
            null,
            null,
            0,
            0,
            0,
            0,
            List.of(new ActivationRecord(List.of(" a"), new double[] {0})));
    NeuronActivity activity = NeuronActivity.of(record, null);
    assertThat(activity.dead()).isTrue();
    assertThat(activity.density()).isZero();
    assertThat(activity.tokens()).isEmpty();
    // Without a sample or top excerpts nothing is known.
    NeuronActivity unknown =
        NeuronActivity.of(
            new NeuronRecord(new NeuronId(1, 4), List.of(), null, null, 0, 0, 0, 0, List.of()),
            null);
    assertThat(unknown.density()).isNaN();
    assertThat(unknown.dead()).isFalse();
  }
}
