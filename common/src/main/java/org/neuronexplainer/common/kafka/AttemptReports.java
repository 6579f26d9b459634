package org.neuronexplainer.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.neuronexplainer.common.messaging.DeadLetter;
import org.neuronexplainer.common.messaging.DroppedJobException;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what a settled record leads to: its events, its retry, its dead letter. Every send is
 * asynchronous and counted on the record ({@link InFlight#track()}); the runner commits the record
 * only once all of them are acknowledged, so the producer batches the sends of many jobs.
 */
final class AttemptReports<J extends Job> {

  private static final Logger LOG = LoggerFactory.getLogger(AttemptReports.class);
  private static final int MAX_REASON = 2000;

  private final Publisher publisher;
  private final Topic<J> topic;
  private final RunnerSettings settings;
  private final DroppedJobs drops = new DroppedJobs();

  AttemptReports(Publisher publisher, Topic<J> topic, RunnerSettings settings) {
    this.publisher = publisher;
    this.topic = topic;
    this.settings = settings;
  }

  void started(InFlight<J> f, long now) {
    event(f, StageEvent.started(f.job, now));
  }

  /** A message that could not be read: only a dead letter, since its run and unit are unknown. */
  void malformed(InFlight<J> f, Exception error, long now) {
    LOG.warn(
        "dead-lettering malformed message {}@{}: {}",
        f.partition,
        f.record.offset(),
        error.getMessage());
    deadLetter(f, deadLetter(f.record, null, reason(error), now));
  }

  /** Not due after the longest hold: to the back of the topic, unchanged. */
  void deferred(InFlight<J> f) {
    send(f, topic, f.record.key(), f.job);
  }

  /** A finished attempt: success, a retry, or the end of the unit. */
  void finished(InFlight<J> f, InFlight.Outcome outcome, long now) {
    J job = f.job;
    Throwable error = outcome.error();
    if (error == null) {
      event(f, StageEvent.succeeded(job, now, outcome.skipped(), outcome.metrics()));
    } else if (error instanceof DroppedJobException) {
      dropped(job, error);
    } else if (!(error instanceof PermanentException) && !job.header().lastAttempt()) {
      long due = now + settings.retryDelay(job.header().attempt() + 1).toMillis();
      LOG.info("retrying {} {} after {}", topic, job.unit(), reason(error));
      J retry = topic.payloadType().cast(job.withHeader(job.header().retry(due)));
      send(f, topic, f.record.key(), retry);
      event(f, StageEvent.failed(job, now, reason(error), true));
    } else {
      String why =
          error instanceof PermanentException
              ? reason(error)
              : "attempt budget of "
                  + job.header().maxAttempts()
                  + " spent; last: "
                  + reason(error);
      LOG.warn("{} {} failed: {}", topic, job.unit(), why);
      event(f, StageEvent.failed(job, now, why, false));
      deadLetter(f, deadLetter(f.record, job, why, now));
    }
  }

  /**
   * A job not ours to run (an unknown or interrupted run): told at WARN, the level the commands
   * show for this package, once per run and then at most once a minute with the count.
   */
  private void dropped(J job, Throwable error) {
    String runId = job.header().runId();
    long count = drops.drop(runId, System.nanoTime());
    if (count > 0) {
      LOG.warn(
          "dropping {} {}: {} ({} dropped of run {} so far)",
          topic,
          job.unit(),
          error.getMessage(),
          count,
          runId);
    }
  }

  private void event(InFlight<J> f, StageEvent event) {
    send(f, publisher.topics().events(), event.key(), event);
  }

  private void deadLetter(InFlight<J> f, DeadLetter letter) {
    send(f, publisher.topics().deadLetter(), letter.key(), letter);
  }

  private <T> void send(InFlight<J> f, Topic<T> to, String key, T message) {
    Callback acked = f.track();
    try {
      publisher.send(to, key, message, acked);
    } catch (RuntimeException e) {
      // A send refused at once (a closed producer, a full buffer): the record is read again.
      acked.onCompletion(null, e);
    }
  }

  private static DeadLetter deadLetter(
      ConsumerRecord<String, byte[]> record, Job job, String error, long now) {
    return new DeadLetter(
        Messages.SCHEMA_VERSION,
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        record.value(),
        error,
        job == null ? null : job.header().runId(),
        job == null ? null : job.unit(),
        now);
  }

  static String reason(Throwable e) {
    // The message is the reason users read; only an error without one is named by its kind.
    String message = e.getMessage();
    String text =
        message == null || message.isBlank()
            ? "an unexpected error without a message (" + e.getClass().getName() + ")"
            : message;
    return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
  }
}
