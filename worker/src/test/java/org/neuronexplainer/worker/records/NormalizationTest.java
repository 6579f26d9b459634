package org.neuronexplainer.worker.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;

class NormalizationTest {

  private static ActivationRecord record(double... activations) {
    List<String> tokens = Arrays.stream(activations).mapToObj(a -> "t").toList();
    return new ActivationRecord(tokens, activations);
  }

  @Test
  void maxIsTheLargestActivationOverAllRecords() {
    assertThat(Normalization.maxActivation(List.of(record(0.5, -1.0, 2.0), record(3.5, 0.0))))
        .isEqualTo(3.5);
  }

  @Test
  void maxOfOnlyNegativeActivationsIsZeroBecauseNegativesAreResting() {
    assertThat(Normalization.maxActivation(List.of(record(-0.17, -0.02), record(-0.5))))
        .isEqualTo(0.0);
  }

  @Test
  void maxOfNoTokensIsZero() {
    assertThat(Normalization.maxActivation(List.of())).isEqualTo(0.0);
    assertThat(Normalization.maxActivation(List.of(record()))).isEqualTo(0.0);
  }

  @Test
  void normalizesToFloorOfTenTimesReluOverMax() {
    // max 4: 4 -> 10; 3.8 -> floor(9.5) = 9; 2 -> 5; 0.39 -> floor(0.975) = 0; -1 -> relu 0 -> 0;
    // 0.4 -> floor(1.0) = 1.
    assertThat(Normalization.normalize(new double[] {4.0, 3.8, 2.0, 0.39, -1.0, 0.4}, 4.0))
        .containsExactly(10, 9, 5, 0, 0, 1);
  }

  @Test
  void valuesAboveTheMaxAreCappedAtTen() {
    // A record scored against another set's max may exceed it: 10 * 6 / 3 = 20 -> 10.
    assertThat(Normalization.normalize(new double[] {6.0, 1.5}, 3.0)).containsExactly(10, 5);
  }

  @Test
  void aMaxOfZeroOrBelowGivesAllZeros() {
    assertThat(Normalization.normalize(new double[] {1.0, 2.0, -3.0}, 0.0))
        .containsExactly(0, 0, 0);
    assertThat(Normalization.normalize(new double[] {1.0, 2.0}, -0.5)).containsExactly(0, 0);
  }

  @Test
  void allNegativeRecordsNormalizeToAllZerosWithTheirOwnMax() {
    ActivationRecord resting = record(-0.1, -0.17, -0.02);

    int[] normalized =
        Normalization.normalize(resting, Normalization.maxActivation(List.of(resting)));

    assertThat(normalized).containsExactly(0, 0, 0);
  }

  @Test
  void aNaNActivationRestsAtZero() {
    assertThat(Normalization.normalize(new double[] {Double.NaN, 2.0}, 2.0)).containsExactly(0, 10);
    assertThat(Normalization.maxActivation(List.of(record(Double.NaN, 1.0)))).isEqualTo(1.0);
  }

  @Test
  void aNonFiniteMaxIsRejected() {
    assertThatThrownBy(() -> Normalization.normalize(new double[] {1.0}, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nonZeroProportionCountsTokensThatNormalizeAboveZero() {
    // max 10: 10 -> 10, 0.5 -> floor(0.5) = 0, 1 -> 1, -2 -> 0, 0 -> 0: 2 of 5 tokens non-zero.
    List<ActivationRecord> records = List.of(record(10.0, 0.5, 1.0), record(-2.0, 0.0));

    assertThat(Normalization.nonZeroProportion(records, 10.0)).isEqualTo(0.4);
  }

  @Test
  void nonZeroProportionOfNoTokensIsNaN() {
    assertThat(Normalization.nonZeroProportion(List.of(record()), 1.0)).isNaN();
  }
}
