package org.neuronexplainer.worker.capture.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.capture.corpus.Excerpts;

class CaptureRunnerTest {
  @Test
  void statisticsThatCouldNotBeAllocatedFailWithTheAllocationsOwnError() {
    // The statistics are allocated on other threads; what stopped them must reach the caller as
    // itself (the CLI turns an OutOfMemoryError into advice on -Xmx), not wrapped.
    assertThatThrownBy(
            () -> CaptureRunner.ready(CompletableFuture.failedFuture(new OutOfMemoryError("heap"))))
        .isExactlyInstanceOf(OutOfMemoryError.class)
        .hasMessage("heap");
    assertThatThrownBy(
            () ->
                CaptureRunner.ready(
                    CompletableFuture.failedFuture(new IllegalArgumentException("bad layer"))))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad layer");
  }

  @Test
  void batchesAreCutAtTheBatchSizeAndAtEveryBlockEnd() {
    int end = Excerpts.BLOCK;
    int[] ids = {end - 3, end - 2, end - 1, end, end + 1, 2 * end + 5};
    assertThat(CaptureRunner.batches(ids, 2))
        .containsExactly(
            new int[] {end - 3, end - 2},
            new int[] {end - 1},
            new int[] {end, end + 1},
            new int[] {2 * end + 5});
  }
}
