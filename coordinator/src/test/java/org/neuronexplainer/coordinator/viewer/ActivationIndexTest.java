package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  private static NeuronActivity excerpts(int index, ActivationRecord... top) {
    NeuronRecord record =
        new NeuronRecord(new NeuronId(2, index), List.of(), null, null, 0, 1, 0, 0, List.of(top));
    return NeuronActivity.of(record, null);
  }

  private static ActivationRecord excerpt(List<String> tokens, double... activations) {
    return new ActivationRecord(tokens, activations);
  }

  @Test
  void aWordTheTokenizerSplitsIsFoundAcrossItsPieces() {
    NeuronActivity river =
        excerpts(
            1,
            excerpt(
                List.of(" down", " the", " r", "i", "ver", " bank"), 0.1, 0.2, 0.5, 2.5, 1.0, 0));
    NeuronActivity rivers =
        excerpts(2, excerpt(List.of(" two", " r", "i", "vers"), 0.1, 0.3, 3.0, 0.2));
    ActivationIndex index = ActivationIndex.build(List.of(river, rivers));
    ActivationIndex.Result result = index.search("River", a -> true, 0, 10);
    // "rivers" holds "river" only inside a longer word, so it is not a match.
    assertThat(result.total()).isEqualTo(1);
    assertThat(result.hits().get(0).neuron()).isSameAs(river);
    // The largest activation on "r", "i", "ver".
    assertThat(result.hits().get(0).activation()).isEqualTo(2.5);
    // No piece of it is a strongest token: the word is only found as text.
    assertThat(river.activationOn("river")).isNaN();
    assertThat(index.search("ver", a -> true, 0, 10).total())
        .as("a token is still found as one")
        .isEqualTo(1);
  }

  @Test
  void aPhraseIsFoundAcrossTwoTokensWhateverItsCaseAndSpacing() {
    NeuronActivity n =
        excerpts(
            1,
            excerpt(
                List.of("The", " Prime", " Minister", " of", " Canada"), 0, 0.2, 1.5, 0.4, 4.9));
    ActivationIndex index = ActivationIndex.build(List.of(n));
    assertThat(index.search("prime  MINISTER", a -> true, 0, 5).hits())
        .singleElement()
        .satisfies(h -> assertThat(h.activation()).isEqualTo(1.5));
    assertThat(index.search("\tminister of\n", a -> true, 0, 5).hits().get(0).activation())
        .isEqualTo(1.5);
    // Not adjacent in any excerpt: not a phrase the neuron was seen on.
    assertThat(index.search("prime canada", a -> true, 0, 5).total()).isZero();
    // A line break between two tokens is a space like any other.
    NeuronActivity lines = excerpts(2, excerpt(List.of(" end", "\n", "\n", "Next"), 0.3, 0, 0, 2));
    assertThat(ActivationIndex.build(List.of(lines)).search("end next", a -> true, 0, 5).total())
        .isEqualTo(1);
  }

  @Test
  void textMatchesRankByTheirLargestActivationOnTheCoveredTokens() {
    NeuronActivity strong = excerpts(1, excerpt(List.of(" New", " York", " City"), 1.0, 3.0, 9.0));
    NeuronActivity weak = excerpts(2, excerpt(List.of(" New", " York", "!"), 2.0, 0.5, 8.0));
    NeuronActivity twice =
        excerpts(
            3,
            excerpt(List.of(" New", " York"), 0.5, 1.0),
            excerpt(List.of(" in", " New", " York"), 0.1, 2.0, 2.5));
    NeuronActivity never = excerpts(4, excerpt(List.of(" New", " York", " x"), -0.2, 0, 1.0));
    ActivationIndex index = ActivationIndex.build(List.of(strong, weak, twice, never));
    ActivationIndex.Result result = index.search("new york", a -> true, 0, 10);
    // 9.0 and 8.0 lie outside the match; 4:4 never goes above 0 on it.
    assertThat(result.hits().stream().map(h -> h.neuron().neuron().neuronIndex()))
        .containsExactly(1, 3, 2);
    assertThat(result.hits().stream().map(ActivationIndex.Hit::activation))
        .containsExactly(3.0, 2.5, 2.0);
    assertThat(result.total()).isEqualTo(3);
  }

  @Test
  void onlyTheTokensAroundEachPeakAreKept() {
    List<String> tokens = new ArrayList<>();
    double[] values = new double[20];
    for (int i = 0; i < 20; i++) {
      tokens.add(" w" + i);
      values[i] = i == 10 ? 5 : 0.1;
    }
    NeuronActivity n = excerpts(1, excerpt(tokens, values));
    assertThat(n.windows().text()).isEqualTo("w7 w8 w9 w10 w11 w12 w13\n");
    ActivationIndex index = ActivationIndex.build(List.of(n));
    assertThat(index.search("w9 w10", a -> true, 0, 5).total()).isEqualTo(1);
    assertThat(index.search("w5 w6", a -> true, 0, 5).total()).isZero();
  }

  @Test
  void aNeuronsSummaryStaysWithinItsStatedSize() {
    // 50 top excerpts of 64 tokens of some 4 characters each, the capture's default.
    List<NeuronActivity> all = new ArrayList<>();
    Random random = new Random(7);
    for (int n = 0; n < 200; n++) {
      ActivationRecord[] top = new ActivationRecord[50];
      for (int e = 0; e < top.length; e++) {
        List<String> tokens = new ArrayList<>();
        double[] values = new double[64];
        for (int t = 0; t < 64; t++) {
          tokens.add(" " + Integer.toString(random.nextInt(46_656), 36));
          values[t] = random.nextGaussian();
        }
        top[e] = excerpt(tokens, values);
      }
      all.add(excerpts(n, top));
    }
    double perNeuron = all.stream().mapToLong(NeuronActivity::bytes).average().orElseThrow();
    System.out.printf("activation index: %.0f bytes per neuron%n", perNeuron);
    assertThat(perNeuron).isBetween(2_000.0, 5_000.0);
    assertThat(ActivationIndex.build(all).size()).isEqualTo(200);
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
