package org.neuronexplainer.worker.records;

import java.util.List;

/** The four uses of a neuron's activation records (docs/method.md 2.2). */
public enum Split {
  /** Shown to the explainer: top records only. */
  TRAIN,
  /** Fits the simulator's calibration: top part, then random part. */
  CALIBRATION,
  /** Scores explanations ("top-and-random" scoring): top part, then random part. */
  VALID,
  /** Held out: top part, then random part. */
  TEST;

  /** The splits of the top pool, in slicing order: split s takes top indices s, s+4, s+8, ... */
  static final List<Split> TOP_POOL = List.of(TRAIN, CALIBRATION, VALID, TEST);

  /**
   * The splits of the random pool, in slicing order: split s takes random indices s, s+3, ...
   * Random records are never shown to the explainer, so there is no train slice.
   */
  static final List<Split> RANDOM_POOL = List.of(CALIBRATION, VALID, TEST);
}
