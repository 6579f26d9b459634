package org.neuronexplainer.common.kafka;

import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.JobMetrics;

/**
 * One stage's own work; {@link StageRunner} does the rest (read, skip, run, publish, commit). Both
 * methods run on the runner's worker thread, never on the consumer's, so they may block.
 *
 * <p>Failures are told apart by type: throw {@link
 * org.neuronexplainer.common.messaging.RetryableException} for what may pass and {@link
 * org.neuronexplainer.common.messaging.PermanentException} for what another attempt would repeat.
 * Any other exception counts as retryable, bounded by the run's attempt budget.
 */
public interface StageHandler<J extends Job> {

  /**
   * True when this job's output already exists for the same run (and method version): the runner
   * then skips the work and reports success. This is what makes redelivery harmless.
   */
  boolean outputExists(J job);

  /**
   * Does the work and writes its output durably (atomically, at its deterministic key) before
   * returning. The runner commits the job's offset only after this returns.
   *
   * @return figures for the succeeded event; {@link JobMetrics#NONE} when there are none
   */
  JobMetrics run(J job);

  /**
   * A message on this stage's topic that could not be read, which the runner has dead-lettered; it
   * never reaches {@link #run}. Called on the consumer thread: it must be quick and not block.
   */
  default void malformed(String reason) {}
}
