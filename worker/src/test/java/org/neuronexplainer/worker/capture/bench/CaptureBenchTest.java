package org.neuronexplainer.worker.capture.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.Gpt2Model;

/** The benchmark's measurement on the tiny fixture GPT-2. */
class CaptureBenchTest {
  private static final int CONTEXT = 8;
  private static final int BATCH = 2;
  private static final int EXCERPTS = 4;
  private static final int ROUNDS = 2;
  private static final int WARM_UP = 3;

  static Gpt2Model model;

  @BeforeAll
  static void load() {
    model = Gpt2Model.load(Fixtures.hfGpt2Reference(), ComputeOptions.cpu());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static CaptureBenchPlan plan(boolean continued) {
    return new CaptureBenchPlan(
        CONTEXT, BATCH, EXCERPTS, ROUNDS, continued ? WARM_UP : 0, 2, continued, false);
  }

  @Test
  void everyRoundTimesEachKindOfWorkOnce() {
    CaptureBenchPlan plan = plan(true);
    int[][] ids = CaptureBench.randomTokenIds(plan.rows(), CONTEXT, model.config().vocabSize());
    assertThat(ids.length).isEqualTo(EXCERPTS * (ROUNDS + 1) + WARM_UP);
    CaptureBench.Result result = CaptureBench.run(model, ids, plan);
    assertThat(result.continued()).isPresent();
    for (Timings timings :
        new Timings[] {result.forward(), result.empty(), result.continued().get()}) {
      assertThat(timings.rounds()).hasSize(ROUNDS);
      assertThat(timings.bestWallSeconds()).isPositive();
    }
    assertThat(result.forward().waitedSeconds()).as("the forward pass has no statistics").isEmpty();
  }

  @Test
  void withoutTheContinuedCaptureOnlyTheFirstExcerptsAreRead() {
    CaptureBenchPlan plan = plan(false);
    assertThat(plan.rows()).isEqualTo(EXCERPTS);
    int[][] ids = CaptureBench.randomTokenIds(plan.rows(), CONTEXT, model.config().vocabSize());
    CaptureBench.Result result = CaptureBench.run(model, ids, plan);
    assertThat(result.continued()).isEmpty();
    assertThat(result.empty().rounds()).hasSize(ROUNDS);
    assertThatThrownBy(() -> CaptureBench.run(model, Arrays.copyOf(ids, 3), plan))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reads 4 excerpts, not 3");
  }

  @Test
  void randomTokenIdsAreFixedAndWithinTheVocabulary() {
    int[][] ids = CaptureBench.randomTokenIds(5, CONTEXT, 50);
    assertThat(ids).isDeepEqualTo(CaptureBench.randomTokenIds(5, CONTEXT, 50));
    assertThat(Arrays.stream(ids).flatMapToInt(Arrays::stream)).allMatch(t -> t >= 0 && t < 50);
  }

  @Test
  void bothSetsOfStatisticsAreCountedForTheHeap() {
    CaptureBenchPlan continued = plan(true);
    int[][] ids =
        CaptureBench.randomTokenIds(continued.rows(), CONTEXT, model.config().vocabSize());
    long both = CaptureBench.statisticsBytes(model.config(), continued, ids);
    long emptyOnly =
        CaptureBench.statisticsBytes(model.config(), plan(false), Arrays.copyOf(ids, EXCERPTS));
    assertThat(emptyOnly).isPositive();
    assertThat(both).isGreaterThan(emptyOnly);
  }

  @Test
  void aPlanRefusesAWarmUpWithoutTheContinuedCapture() {
    assertThatThrownBy(
            () -> new CaptureBenchPlan(CONTEXT, BATCH, EXCERPTS, ROUNDS, 1, 1, false, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CaptureBenchPlan(CONTEXT, 0, EXCERPTS, ROUNDS, 0, 1, false, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
