package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;

class ExplanationIndexTest {

  private static ExplanationEntry entry(int layer, int neuron, String text, double score) {
    return new ExplanationEntry(new NeuronId(layer, neuron), 0, text, score);
  }

  private final ExplanationIndex index =
      ExplanationIndex.build(
          List.of(
              entry(0, 1, "the word the and other articles", 0.2),
              entry(1, 2, "numbers in fractions", 0.6),
              entry(2, 3, "the number of days in a week", 0.4),
              entry(3, 4, "references to Canada", 0.9),
              entry(4, 5, "Canadian cities and Canada's provinces", Double.NaN),
              entry(5, 6, "the end of a sentence", -0.1)));

  private List<Integer> layers(ExplanationIndex.Result result) {
    return result.hits().stream().map(h -> h.entry().neuron().layerIndex()).toList();
  }

  @Test
  void rareWordsOutweighCommonOnes() {
    // "the" is in three explanations, "week" in one: the week neuron comes first.
    assertThat(layers(index.search("the week", SearchFilter.ALL, 0, 10)).get(0)).isEqualTo(2);
    assertThat(index.search("the week", SearchFilter.ALL, 0, 10).total()).isEqualTo(3);
  }

  @Test
  void plainPluralsFoldAndCaseIsIgnored() {
    assertThat(layers(index.search("NUMBER", SearchFilter.ALL, 0, 10)))
        .containsExactlyInAnyOrder(1, 2);
    assertThat(layers(index.search("city", SearchFilter.ALL, 0, 10))).containsExactly(4);
  }

  @Test
  void filtersByLayerAndScore() {
    SearchFilter deep = new SearchFilter(2, 10, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    assertThat(layers(index.search("canada", deep, 0, 10))).containsExactlyInAnyOrder(3, 4);
    SearchFilter good = new SearchFilter(0, 10, 0.5, 1.0);
    // An undefined score passes no score bound.
    assertThat(layers(index.search("canada", good, 0, 10))).containsExactly(3);
  }

  @Test
  void noWordsListsByScoreAndPagesThrough() {
    ExplanationIndex.Result first = index.search("", SearchFilter.ALL, 0, 2);
    assertThat(layers(first)).containsExactly(3, 1);
    assertThat(first.total()).isEqualTo(6);
    assertThat(layers(index.search(" ", SearchFilter.ALL, 2, 2))).containsExactly(2, 0);
    assertThat(layers(index.search("", SearchFilter.ALL, 5, 10))).containsExactly(4);
    assertThat(index.search("zebra", SearchFilter.ALL, 0, 10).total()).isZero();
  }
}
