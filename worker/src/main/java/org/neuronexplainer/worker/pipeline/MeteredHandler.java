package org.neuronexplainer.worker.pipeline;

import java.util.concurrent.atomic.AtomicInteger;
import org.neuronexplainer.common.kafka.StageHandler;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.classify.ClassificationParseException;
import org.neuronexplainer.worker.simulate.SimulationParseException;

/**
 * Counts and times a stage's jobs around its handler. The outcome follows the runner's rules
 * (package {@code common.kafka}): a permanent failure is dead-lettered, any other one is retried
 * until the job's last attempt, where it fails.
 *
 * <p>For the explain-and-score stage it also counts each scorer's neurons: a succeeded job scored
 * its neuron with every scorer its metrics name (simulation alone when they name none), and a job
 * that failed for good because a scorer's answers never parsed failed that scorer.
 */
public final class MeteredHandler<J extends Job> implements StageHandler<J> {

  private final StageHandler<J> delegate;
  private final WorkerMetrics metrics;
  private final String stage;
  private final AtomicInteger inFlight;
  // outputExists and run of one job happen on the same runner worker thread, in that order.
  private final ThreadLocal<Long> startedAt = new ThreadLocal<>();

  public MeteredHandler(StageHandler<J> delegate, WorkerMetrics metrics, String stage) {
    this.delegate = delegate;
    this.metrics = metrics;
    this.stage = stage;
    this.inFlight = metrics.inFlight(stage);
    metrics.registerStage(stage);
    if (scores()) {
      metrics.registerScorers();
    }
  }

  private boolean scores() {
    return stage.equals(Stage.EXPLAIN_AND_SCORE.id());
  }

  @Override
  public boolean outputExists(J job) {
    long start = System.nanoTime();
    startedAt.set(start);
    inFlight.incrementAndGet();
    boolean exists;
    try {
      exists = delegate.outputExists(job);
    } catch (RuntimeException e) {
      end(job, e, start);
      throw e;
    }
    if (exists) {
      inFlight.decrementAndGet();
      metrics.finished(stage, WorkerMetrics.Outcome.SKIPPED, System.nanoTime() - start);
    }
    return exists;
  }

  @Override
  public JobMetrics run(J job) {
    Long start = startedAt.get();
    long t0 = start == null ? System.nanoTime() : start;
    if (start == null) {
      inFlight.incrementAndGet();
    }
    startedAt.remove();
    try {
      JobMetrics result = delegate.run(job);
      end(job, null, t0);
      if (scores()) {
        scored(result);
      }
      return result;
    } catch (RuntimeException e) {
      end(job, e, t0);
      throw e;
    }
  }

  /** A message the runner could not read and dead-lettered: counted, with no duration. */
  @Override
  public void malformed(String reason) {
    metrics.deadLettered(stage);
    delegate.malformed(reason);
  }

  private void end(J job, RuntimeException error, long start) {
    inFlight.decrementAndGet();
    WorkerMetrics.Outcome outcome;
    if (error == null) {
      outcome = WorkerMetrics.Outcome.SUCCEEDED;
    } else if (error instanceof PermanentException) {
      outcome = WorkerMetrics.Outcome.DEAD_LETTERED;
    } else if (job.header().lastAttempt()) {
      outcome = WorkerMetrics.Outcome.FAILED;
    } else {
      outcome = WorkerMetrics.Outcome.RETRIED;
    }
    metrics.finished(stage, outcome, System.nanoTime() - start);
    if (scores() && outcome != WorkerMetrics.Outcome.RETRIED && error != null) {
      String scorer = failedScorer(error);
      if (scorer != null) {
        metrics.scorerFailed(scorer);
      }
    }
  }

  private void scored(JobMetrics result) {
    if (result == null || result.scores() == null) {
      metrics.scored(RunSpec.SIMULATION, result == null ? null : result.score());
      return;
    }
    result.scores().forEach(metrics::scored);
  }

  /** The scorer whose unparseable answers caused {@code error}, or null. */
  static String failedScorer(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ClassificationParseException unparsed && unparsed.scorer() != null) {
        return unparsed.scorer().wireName();
      }
      if (t instanceof SimulationParseException) {
        return RunSpec.SIMULATION;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
