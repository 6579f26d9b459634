package org.neuronexplainer.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;

/**
 * Queues first attempts of jobs: sends them to their stages' topics and returns only once the
 * broker holds every one, so that what the caller records next (a run's status, a collate marker)
 * never stands for jobs that were lost. The coordinator queues a run's jobs with it, and the
 * collate stage the per-neuron jobs of its block. Thread-safe, as {@link Publisher} is.
 */
public final class JobPublisher {

  /** How long the broker may take to acknowledge one batch of jobs. */
  public static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

  private final Publisher publisher;
  private final Duration ackTimeout;

  public JobPublisher(Publisher publisher) {
    this(publisher, ACK_TIMEOUT);
  }

  public JobPublisher(Publisher publisher, Duration ackTimeout) {
    this.publisher = publisher;
    this.ackTimeout = ackTimeout;
  }

  /**
   * One {@link ExplainAndScoreJob} per neuron, each reading the neuron's record from the public
   * layout of the run's dataset ({@link RunSpec#dataset()}), with the run's attempt budget.
   *
   * @throws RetryableException as {@link #publish} does
   */
  public void explainAndScore(RunSpec spec, List<NeuronId> neurons) {
    List<ExplainAndScoreJob> jobs = new ArrayList<>(neurons.size());
    for (NeuronId neuron : neurons) {
      JobHeader header = JobHeader.first(spec.runId(), spec.maxAttempts());
      jobs.add(
          new ExplainAndScoreJob(header, neuron, spec.dataset() + RunRecords.recordKey(neuron)));
    }
    publish(jobs);
  }

  /**
   * Sends the jobs, each to its stage's topic under its unit, and waits until the broker holds them
   * all. Some may have gone out when it throws; sending them again is harmless, since a job whose
   * output exists is skipped.
   *
   * @throws RetryableException when a send failed or the broker did not acknowledge every job
   *     within the timeout, or the thread was interrupted (its interrupt flag is set again)
   */
  public void publish(List<? extends Job> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    List<Future<RecordMetadata>> sends = new ArrayList<>(jobs.size());
    try {
      for (Job job : jobs) {
        Future<RecordMetadata> send = publisher.job(job);
        // A send that failed at once (the broker's metadata did not come within the producer's
        // max.block.ms) ends the batch: the others would each wait as long again.
        if (send.isDone()) {
          send.get();
        }
        sends.add(send);
      }
      publisher.flush();
      long deadline = System.nanoTime() + ackTimeout.toNanos();
      for (Future<RecordMetadata> send : sends) {
        send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException e) {
      throw new RetryableException(
          "publishing " + describe(jobs) + " failed: " + reason(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new RetryableException(
          "the broker did not acknowledge " + describe(jobs) + " within " + ackTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException("interrupted while publishing " + describe(jobs), e);
    }
  }

  private static String reason(Throwable cause) {
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  private static String describe(List<? extends Job> jobs) {
    String runId = jobs.get(0).header().runId();
    return jobs.size() + (jobs.size() == 1 ? " job" : " jobs") + " of run " + runId;
  }
}
