package org.neuronexplainer.worker.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;

class SplitsTest {

  /** A neuron whose records say where they came from: token "top7" is top record 7. */
  private static NeuronRecord neuron(int topCount, int randomCount) {
    return new NeuronRecord(
        new NeuronId(0, 0),
        labelled("random", randomCount),
        null,
        null,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        labelled("top", topCount));
  }

  private static List<ActivationRecord> labelled(String pool, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> new ActivationRecord(List.of(pool + i), new double[] {i}))
        .toList();
  }

  private static List<String> labels(List<ActivationRecord> records) {
    return records.stream().map(ActivationRecord::text).toList();
  }

  @Test
  void topIndicesWithFivePerSplitAreThoseListedInMethod22() {
    NeuronRecord neuron = neuron(50, 36);
    SliceParams paper = SliceParams.paper();

    assertThat(Splits.topIndices(Split.TRAIN, neuron, paper)).containsExactly(0, 4, 8, 12, 16);
    assertThat(Splits.topIndices(Split.CALIBRATION, neuron, paper))
        .containsExactly(1, 5, 9, 13, 17);
    assertThat(Splits.topIndices(Split.VALID, neuron, paper)).containsExactly(2, 6, 10, 14, 18);
    assertThat(Splits.topIndices(Split.TEST, neuron, paper)).containsExactly(3, 7, 11, 15, 19);
  }

  @Test
  void randomIndicesWithFivePerSplitAreThoseListedInMethod22() {
    NeuronRecord neuron = neuron(50, 36);
    SliceParams paper = SliceParams.paper();

    assertThat(Splits.randomIndices(Split.TRAIN, neuron, paper)).isEmpty();
    assertThat(Splits.randomIndices(Split.CALIBRATION, neuron, paper))
        .containsExactly(0, 3, 6, 9, 12);
    assertThat(Splits.randomIndices(Split.VALID, neuron, paper)).containsExactly(1, 4, 7, 10, 13);
    assertThat(Splits.randomIndices(Split.TEST, neuron, paper)).containsExactly(2, 5, 8, 11, 14);
  }

  @Test
  void trainIsTopOnlyAndTheOtherSplitsAreTopThenRandom() {
    NeuronRecord neuron = neuron(20, 15);
    SliceParams paper = SliceParams.paper();

    assertThat(labels(Splits.records(neuron, Split.TRAIN, paper)))
        .containsExactly("top0", "top4", "top8", "top12", "top16");
    assertThat(labels(Splits.records(neuron, Split.VALID, paper)))
        .containsExactly(
            "top2",
            "top6",
            "top10",
            "top14",
            "top18",
            "random1",
            "random4",
            "random7",
            "random10",
            "random13");
    assertThat(labels(Splits.records(neuron, Split.CALIBRATION, paper)))
        .containsExactly(
            "top1",
            "top5",
            "top9",
            "top13",
            "top17",
            "random0",
            "random3",
            "random6",
            "random9",
            "random12");
    assertThat(labels(Splits.records(neuron, Split.TEST, paper)))
        .containsExactly(
            "top3",
            "top7",
            "top11",
            "top15",
            "top19",
            "random2",
            "random5",
            "random8",
            "random11",
            "random14");
  }

  @Test
  void splitsOfAPoolAreDisjointAndCoverExactlyItsFirstNTimesSRecords() {
    NeuronRecord neuron = neuron(23, 17);
    SliceParams params = SliceParams.perSplit(5);

    List<Integer> top =
        Split.TOP_POOL.stream()
            .flatMap(split -> Splits.topIndices(split, neuron, params).stream())
            .sorted()
            .toList();
    List<Integer> random =
        Split.RANDOM_POOL.stream()
            .flatMap(split -> Splits.randomIndices(split, neuron, params).stream())
            .sorted()
            .toList();

    assertThat(top).isEqualTo(IntStream.range(0, 20).boxed().toList());
    assertThat(random).isEqualTo(IntStream.range(0, 15).boxed().toList());
  }

  @Test
  void withoutAnExplicitCountEachPoolUsesFloorOfItsSizeOverItsSplits() {
    // 50 top / 4 splits = 12 each (first 48 used); 37 random / 3 splits = 12 each (first 36).
    NeuronRecord neuron = neuron(50, 37);
    SliceParams whole = SliceParams.wholePools();

    assertThat(Splits.topIndices(Split.TEST, neuron, whole))
        .hasSize(12)
        .startsWith(3, 7)
        .endsWith(47);
    assertThat(Splits.randomIndices(Split.TEST, neuron, whole))
        .hasSize(12)
        .startsWith(2, 5)
        .endsWith(35);
  }

  @Test
  void aPoolSmallerThanSplitsGivesEmptySplitsWithoutAnExplicitCount() {
    // floor(3 / 4) = 0, as in the original: no error, nothing to show.
    assertThat(Splits.records(neuron(3, 2), Split.VALID, SliceParams.wholePools())).isEmpty();
  }

  @Test
  void aTopPoolTooSmallIsNamedWithItsSizeAndWhatWasNeeded() {
    NeuronRecord neuron = neuron(19, 15);

    assertThatThrownBy(() -> Splits.records(neuron, Split.VALID, SliceParams.paper()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("most_positive_activation_records")
        .hasMessageContaining("has 19 records")
        .hasMessageContaining("needs 20");
  }

  @Test
  void aRandomPoolTooSmallIsNamedWithItsSizeAndWhatWasNeeded() {
    NeuronRecord neuron = neuron(20, 10);

    assertThatThrownBy(() -> Splits.records(neuron, Split.CALIBRATION, SliceParams.paper()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("random_sample")
        .hasMessageContaining("has 10 records")
        .hasMessageContaining("needs 15");
  }

  @Test
  void trainDoesNotNeedARandomPool() {
    // Old datasets may have only 10 random records (docs/method.md 1.4); the explainer still works.
    assertThat(Splits.records(neuron(20, 0), Split.TRAIN, SliceParams.paper())).hasSize(5);
  }

  @Test
  void explicitCountsBelowOneAreRejected() {
    assertThatThrownBy(() -> SliceParams.perSplit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void interleavedStartsAtThePositionAndStepsByTheSplitCount() {
    assertThat(Splits.interleaved(2, 3, 4)).containsExactly(2, 5, 8, 11);
    assertThat(Splits.interleaved(0, 4, 0)).isEmpty();
    assertThatThrownBy(() -> Splits.interleaved(3, 3, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
