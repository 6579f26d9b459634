package org.neuronexplainer.worker.capture.run;

/** Told after each forward batch; the CLI draws a progress bar from it. */
public interface CaptureProgress {
  CaptureProgress NONE = (excerptsDone, excerptsTotal, tokens) -> {};

  void batchDone(long excerptsDone, long excerptsTotal, long tokensDone);
}
