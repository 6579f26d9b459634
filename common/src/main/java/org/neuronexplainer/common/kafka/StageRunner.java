package org.neuronexplainer.common.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.MalformedMessageException;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume loop of one stage: read a job, skip it if its output exists, run it, publish what
 * happened, commit. See {@code package-info.java} for the invariants. Owns its consumer, its thread
 * and its worker thread; {@link #close()} stops it cleanly.
 */
public final class StageRunner<J extends Job> implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

  private final Consumer<String, byte[]> consumer;
  private final AttemptReports<J> reports;
  private final Topic<J> topic;
  private final StageHandler<J> handler;
  private final RunnerSettings settings;
  private final LongSupplier clock;
  private final MessageCodec codec = new MessageCodec();
  private final ExecutorService worker;
  private final ArrayDeque<ConsumerRecord<String, byte[]>> buffer = new ArrayDeque<>();
  private InFlight<J> current;
  private volatile boolean stopping;
  private volatile Thread thread;
  private volatile RuntimeException failure;

  public StageRunner(
      Consumer<String, byte[]> consumer,
      Publisher publisher,
      Topic<J> topic,
      StageHandler<J> handler,
      RunnerSettings settings,
      LongSupplier clock) {
    this.consumer = consumer;
    this.reports = new AttemptReports<>(publisher, topic, settings);
    this.topic = topic;
    this.handler = handler;
    this.settings = settings;
    this.clock = clock;
    this.worker =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "stage-worker-" + topic.name()));
  }

  public StageRunner(
      Consumer<String, byte[]> consumer,
      Publisher publisher,
      Topic<J> topic,
      StageHandler<J> handler,
      RunnerSettings settings) {
    this(consumer, publisher, topic, handler, settings, System::currentTimeMillis);
  }

  /** Runs the loop on a new thread named after the topic. */
  public synchronized Thread start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this, "stage-runner-" + topic.name());
    thread.start();
    return thread;
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    consumer.subscribe(List.of(topic.name()), new Rebalances());
    try {
      while (!stopping) {
        step();
      }
      finishInFlight();
    } catch (RuntimeException e) {
      // The consumer itself failed (authorization, a fenced member...): this runner stops, the
      // uncommitted work goes back to the group, and readiness reports it through failure().
      failure = e;
      LOG.error("runner for {} stopped on an error", topic, e);
    } finally {
      worker.shutdownNow();
      consumer.close();
      LOG.info("runner for {} stopped", topic);
    }
  }

  /** True from start until the loop has ended, for readiness checks. */
  public boolean running() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  /** What stopped the loop, if it was not a requested stop; else null. */
  public RuntimeException failure() {
    return failure;
  }

  /** Asks the loop to stop (from any thread, e.g. a SIGTERM hook) without waiting. */
  public void requestStop() {
    stopping = true;
    consumer.wakeup();
  }

  /** Stops the loop and waits for it: a running job finishes or is handed back. */
  @Override
  public void close() {
    requestStop();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(settings.shutdownGrace().plus(settings.sendTimeout()).plusSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One turn of the loop: poll (which keeps the group membership alive), then make progress. */
  void step() {
    poll(pollTimeout());
    advance();
    // While anything is pending, fetch nothing more: poll only to stay in the group.
    if (current != null || !buffer.isEmpty()) {
      consumer.pause(consumer.assignment());
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  private Duration pollTimeout() {
    if (current == null) {
      return buffer.isEmpty() ? settings.idlePoll() : Duration.ZERO;
    }
    if (current.held()) {
      // Wake for the end of the hold, not a whole busy poll later.
      long wait = Math.max(0, current.holdUntil - clock.getAsLong());
      return Duration.ofMillis(Math.min(wait, settings.busyPoll().toMillis()));
    }
    return settings.busyPoll();
  }

  private void poll(Duration timeout) {
    try {
      consumer.poll(timeout).forEach(buffer::add);
    } catch (WakeupException e) {
      // A job finished or a stop was asked for: both are handled by the caller.
    }
  }

  private void advance() {
    while (true) {
      if (current == null) {
        if (stopping || buffer.isEmpty()) {
          return;
        }
        begin(buffer.poll());
      } else if (current.ready(clock.getAsLong())) {
        settle(current);
      } else {
        return;
      }
    }
  }

  private void begin(ConsumerRecord<String, byte[]> record) {
    J job;
    try {
      job = codec.decode(record.value(), topic.payloadType());
    } catch (MalformedMessageException e) {
      InFlight<J> bad = new InFlight<>(record, null);
      reports.malformed(bad, e, clock.getAsLong());
      commitAfterSends(bad);
      return;
    }
    current = new InFlight<>(record, job);
    long now = clock.getAsLong();
    long due = job.header().notBeforeMillis();
    if (due > now) {
      current.holdUntil = Math.min(due, now + settings.maxHold().toMillis());
    } else {
      launch(current);
    }
  }

  private void launch(InFlight<J> f) {
    reports.started(f, clock.getAsLong());
    f.running = worker.submit(() -> work(f.job));
  }

  /** On the worker thread. Wakes the consumer's poll when done, so the result is seen at once. */
  private InFlight.Outcome work(J job) {
    try {
      if (handler.outputExists(job)) {
        return new InFlight.Outcome(null, true, null);
      }
      return new InFlight.Outcome(handler.run(job), false, null);
    } catch (Exception e) {
      return new InFlight.Outcome(null, false, e);
    } finally {
      consumer.wakeup();
    }
  }

  private void settle(InFlight<J> f) {
    current = null;
    if (f.revoked) {
      return; // the partition's new owner redoes it; its output check makes that cheap
    }
    long now = clock.getAsLong();
    if (f.held()) {
      if (now >= f.job.header().notBeforeMillis()) {
        current = f;
        launch(f);
      } else {
        reports.deferred(f);
        commitAfterSends(f);
      }
      return;
    }
    reports.finished(f, outcome(f.running), now);
    commitAfterSends(f);
  }

  private static InFlight.Outcome outcome(Future<InFlight.Outcome> running) {
    try {
      return running.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err; // out of memory and the like: stop without committing
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Commits past the record once the broker holds everything published for it. If a send failed,
   * the record is read again instead (its output check makes the second pass cheap).
   */
  private void commitAfterSends(InFlight<J> f) {
    try {
      for (Future<RecordMetadata> send : f.sends) {
        send.get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn(
          "publishing for {}@{} failed, will read it again: {}",
          f.partition,
          f.record.offset(),
          e.toString());
      rewind(f);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      rewind(f);
      return;
    }
    commit(Map.of(f.partition, new OffsetAndMetadata(f.record.offset() + 1)));
  }

  private void rewind(InFlight<J> f) {
    buffer.removeIf(
        r -> r.topic().equals(f.record.topic()) && r.partition() == f.record.partition());
    consumer.seek(f.partition, f.record.offset());
  }

  /**
   * Commits without waiting for the broker: the output and everything published for the record are
   * already durable, so a lost commit only means a redelivery, which the output check turns into a
   * skip. This saves a round trip per job; {@link #flushCommits()} waits where it matters.
   */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    consumer.commitAsync(
        offsets,
        (done, error) -> {
          if (error != null) {
            LOG.warn(
                "commit of {} failed, the records will be redelivered: {}", done, error.toString());
          }
        });
  }

  /** Waits for the pending asynchronous commits: before partitions move away, and at stop. */
  private void flushCommits() {
    for (int tries = 0; ; tries++) {
      try {
        consumer.commitSync(Map.of());
        return;
      } catch (WakeupException e) {
        // A worker's completion signal landed here instead of in poll; try again.
        if (tries >= 3) {
          throw e;
        }
      } catch (KafkaException e) {
        LOG.warn("pending commits failed, the records will be redelivered: {}", e.toString());
        return;
      }
    }
  }

  /** On stop: hand back what has not started, let a running job finish within the grace. */
  private void finishInFlight() {
    buffer.clear();
    if (current != null && current.held()) {
      current = null;
    }
    // Elapsed time, not the message clock: the grace is about this process, not about due times.
    long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
    while (current != null && !current.running.isDone() && System.nanoTime() < deadline) {
      poll(settings.busyPoll());
      consumer.pause(consumer.assignment());
    }
    if (current != null) {
      if (current.running.isDone()) {
        settle(current);
      } else {
        LOG.warn("handing back {} {}: still running at shutdown", topic, current.job.unit());
        current.running.cancel(true);
        current = null;
      }
    }
    flushCommits();
  }

  /** Drops the work of partitions this consumer no longer owns; runs inside poll. */
  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      flushCommits(); // so the next owner starts after what this one finished
      dropWork(partitions);
    }

    private void dropWork(Collection<TopicPartition> partitions) {
      buffer.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
      if (current != null && partitions.contains(current.partition)) {
        current.revoked = true;
        if (current.held()) {
          current = null;
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // Nothing to do: step() pauses new partitions too while a job is pending.
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      dropWork(partitions); // no commit: the partitions already belong to someone else
    }
  }
}
