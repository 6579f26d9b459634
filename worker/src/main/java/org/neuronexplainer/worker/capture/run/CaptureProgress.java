package org.neuronexplainer.worker.capture.run;

/** Told after each forward batch; the CLI draws a progress bar from it. */
public interface CaptureProgress {
  CaptureProgress NONE = (excerptsDone, excerptsTotal, tokens) -> {};

  void batchDone(long excerptsDone, long excerptsTotal, long tokensDone);

  /**
   * Told each time the capture has waited for statistics after a forward pass: for their
   * allocation, for a batch's statistics, or, where they run beside the next forward pass, for the
   * part of them that pass did not hide. The sum is what the statistics add to the forward passes.
   */
  default void statisticsWaited(long nanos) {}

  /** Told once, before the first forward pass: the excerpts each pass takes, and why. */
  default void batchSize(BatchSize.Choice choice) {}
}
