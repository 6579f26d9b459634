package org.neuronexplainer.common.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.neuronexplainer.common.messaging.Job;
import org.neuronexplainer.common.messaging.MalformedMessageException;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume loop of one stage: read jobs, skip those whose output exists, run up to {@link
 * RunnerSettings#maxInFlight()} at once (one key's jobs one after another), publish what happened,
 * commit in batches up to the first unfinished record. See {@code package-info.java} for the
 * invariants. Owns its consumer, its thread and its worker threads; {@link #close()} stops it
 * cleanly.
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
  private final ExecutorService workers;

  // Consumer thread only.
  private final ArrayDeque<InFlight<J>> pending = new ArrayDeque<>();
  private final List<InFlight<J>> held = new ArrayList<>();
  private final OffsetCommits commits;
  private final Map<String, InFlight<?>> busyKeys = new HashMap<>();
  private final List<InFlight<J>> running = new ArrayList<>();
  private int publishing;

  // Hand-offs from the worker threads and the producer's I/O thread.
  private final BlockingQueue<InFlight<J>> finished = new LinkedBlockingQueue<>();
  private final BlockingQueue<InFlight<?>> acked = new LinkedBlockingQueue<>();
  private final AtomicBoolean signalled = new AtomicBoolean();

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
    this.commits = new OffsetCommits(consumer, settings.commitInterval());
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            settings.maxInFlight(),
            r -> new Thread(r, "stage-worker-" + topic.name() + "-" + n.incrementAndGet()));
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
      workers.shutdownNow();
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

  /** Stops the loop and waits for it: running jobs finish or are handed back. */
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
    drain();
    releaseHolds();
    dispatch();
    commits.commitIfDue();
    // Enough waiting already to refill every slot: fetch nothing more, poll only to stay in the
    // group. This bounds memory and keeps slow work from outliving max.poll.interval.ms.
    if (stopping || pending.size() >= settings.maxInFlight()) {
      consumer.pause(consumer.assignment());
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  private Duration pollTimeout() {
    if (!finished.isEmpty() || !acked.isEmpty()) {
      return Duration.ZERO;
    }
    long wait =
        (running.isEmpty() && held.isEmpty() ? settings.idlePoll() : settings.busyPoll())
            .toMillis();
    long now = clock.getAsLong();
    for (InFlight<J> f : held) {
      // Wake for the end of a hold, not a whole busy poll later.
      long until = Math.min(f.holdUntil, f.job.header().notBeforeMillis());
      wait = Math.min(wait, Math.max(0, until - now));
    }
    if (commits.uncommitted()) {
      wait = Math.min(wait, commits.millisUntilDue());
    }
    return Duration.ofMillis(wait);
  }

  private void poll(Duration timeout) {
    try {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
        take(r);
      }
    } catch (WakeupException e) {
      // A job finished, a send was acknowledged, or a stop was asked for: handled by the caller.
    }
  }

  private void take(ConsumerRecord<String, byte[]> record) {
    PartitionProgress progress =
        commits.progress(new TopicPartition(record.topic(), record.partition()));
    J job;
    try {
      job = codec.decode(record.value(), topic.payloadType());
    } catch (MalformedMessageException e) {
      InFlight<J> bad = new InFlight<>(record, null, this::handOffAck);
      progress.take(bad);
      reports.malformed(bad, e, clock.getAsLong());
      seal(bad);
      try {
        handler.malformed(AttemptReports.reason(e));
      } catch (RuntimeException counting) {
        LOG.warn("handler of {} failed to note a malformed message", topic, counting);
      }
      return;
    }
    InFlight<J> f = new InFlight<>(record, job, this::handOffAck);
    progress.take(f);
    pending.addLast(f);
  }

  /** Starts waiting records whose key is free, in the order they were read, while slots last. */
  private void dispatch() {
    Iterator<InFlight<J>> it = pending.iterator();
    while (!stopping && it.hasNext() && running.size() + held.size() < settings.maxInFlight()) {
      InFlight<J> f = it.next();
      String key = f.record.key();
      if (key != null && busyKeys.containsKey(key)) {
        continue; // an earlier record of the same key is not finished: order per key
      }
      it.remove();
      if (key != null) {
        busyKeys.put(key, f);
      }
      long now = clock.getAsLong();
      long due = f.job.header().notBeforeMillis();
      if (due > now) {
        f.holdUntil = Math.min(due, now + settings.maxHold().toMillis());
        held.add(f);
      } else {
        launch(f);
      }
    }
  }

  private void launch(InFlight<J> f) {
    reports.started(f, clock.getAsLong());
    running.add(f);
    f.running = workers.submit(() -> work(f));
  }

  /** On a worker thread. Hands the outcome to the consumer thread and wakes its poll. */
  private void work(InFlight<J> f) {
    InFlight.Outcome outcome;
    try {
      outcome =
          handler.outputExists(f.job)
              ? new InFlight.Outcome(null, true, null)
              : new InFlight.Outcome(handler.run(f.job), false, null);
    } catch (Throwable e) { // decided on the consumer thread: retry, dead letter, or stop
      outcome = new InFlight.Outcome(null, false, e);
    }
    f.outcome = outcome;
    finished.add(f);
    signal();
  }

  /** On the producer's I/O thread (or any other): everything published for {@code f} is acked. */
  private void handOffAck(InFlight<?> f) {
    acked.add(f);
    signal();
  }

  /** Wakes the consumer's poll once per batch of hand-offs, not once per job. */
  private void signal() {
    if (signalled.compareAndSet(false, true)) {
      consumer.wakeup();
    }
  }

  private void drain() {
    signalled.set(false); // before reading the queues, so a later hand-off wakes the next poll
    for (InFlight<J> f; (f = finished.poll()) != null; ) {
      settle(f);
    }
    for (InFlight<?> f; (f = acked.poll()) != null; ) {
      onAcked(f);
    }
  }

  private void onAcked(InFlight<?> f) {
    publishing--;
    if (f.abandoned) {
      return;
    }
    if (f.sendError() != null) {
      rewind(f);
    } else {
      f.done = true;
    }
  }

  /** A job ended: publish what happened (the commit waits for the broker's acknowledgement). */
  private void settle(InFlight<J> f) {
    running.remove(f);
    releaseKey(f);
    if (f.abandoned) {
      return; // the partition's next reader redoes it; its output check makes that cheap
    }
    if (f.outcome.error() instanceof Error err) {
      throw err; // out of memory and the like: stop without committing
    }
    reports.finished(f, f.outcome, clock.getAsLong());
    seal(f);
  }

  private void seal(InFlight<?> f) {
    publishing++;
    f.seal();
  }

  private void releaseHolds() {
    long now = clock.getAsLong();
    for (Iterator<InFlight<J>> it = held.iterator(); it.hasNext(); ) {
      InFlight<J> f = it.next();
      if (now >= f.job.header().notBeforeMillis()) {
        it.remove();
        launch(f);
      } else if (now >= f.holdUntil) {
        it.remove();
        releaseKey(f);
        reports.deferred(f);
        seal(f);
      }
    }
  }

  private void releaseKey(InFlight<?> f) {
    String key = f.record.key();
    if (key != null) {
      busyKeys.remove(key, f);
    }
  }

  /**
   * A send for {@code f} failed: its partition is read again from the first record not done (its
   * output check makes the second pass cheap). What that partition had running is abandoned.
   */
  private void rewind(InFlight<?> f) {
    LOG.warn(
        "publishing for {}@{} failed, will read it again: {}",
        f.partition,
        f.offset(),
        f.sendError().toString());
    PartitionProgress progress = commits.remove(f.partition);
    if (progress == null) {
      return;
    }
    long from = progress.restartOffset();
    progress.abandonAll(this::drop);
    consumer.seek(f.partition, from);
  }

  /** Forgets a record this runner gave up: it is handed back, neither reported nor committed. */
  private void drop(InFlight<?> f) {
    pending.remove(f);
    if (held.remove(f)) {
      releaseKey(f);
    }
  }

  /**
   * On stop: hand back what has not started, let running jobs finish within the grace, wait for the
   * broker to acknowledge what they published, commit.
   */
  private void finishInFlight() {
    pending.clear();
    held.forEach(this::releaseKey);
    held.clear();
    settleRunning(f -> true);
    pending.clear(); // anything a rebalance meanwhile read goes back too
    commits.commitNow();
  }

  /**
   * Waits up to the shutdown grace for the running jobs {@code which} selects to finish and settles
   * them, then up to the send timeout for what was published; jobs still running are interrupted
   * and handed back. Blocks the consumer thread: used at stop and while partitions are revoked,
   * where the group waits for this member anyway, and where letting a job run on would let the next
   * owner run it a second time at once.
   */
  private void settleRunning(Predicate<InFlight<J>> selected) {
    Predicate<InFlight<J>> which = selected.and(f -> !f.abandoned);
    // Elapsed time, not the message clock: the grace is about this process, not about due times.
    long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
    drain();
    while (running.stream().anyMatch(which) && waiting(deadline)) {
      InFlight<J> f = take(finished, deadline);
      if (f != null) {
        settle(f);
      }
    }
    for (InFlight<J> f : running.stream().filter(which).toList()) {
      LOG.warn("handing back {} {}: still running", topic, f.job.unit());
      f.abandoned = true;
      f.running.cancel(true);
    }
    deadline = System.nanoTime() + settings.sendTimeout().toNanos();
    while (publishing > 0 && waiting(deadline)) {
      InFlight<?> f = take(acked, deadline);
      if (f != null) {
        onAcked(f);
      }
    }
    drain();
  }

  private static boolean waiting(long deadlineNanos) {
    return System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted();
  }

  private static <T> T take(BlockingQueue<T> queue, long deadlineNanos) {
    try {
      return queue.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Drops the work of partitions this consumer no longer owns; runs inside poll. */
  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) {
        return;
      }
      // Finish what runs on them first, or the next owner would run it too, at the same time.
      settleRunning(f -> revoked.contains(f.partition));
      commits.commitNow(); // so the next owner starts after what this one finished
      dropWork(revoked);
    }

    private void dropWork(Collection<TopicPartition> lost) {
      for (TopicPartition tp : lost) {
        PartitionProgress progress = commits.remove(tp);
        if (progress != null) {
          progress.abandonAll(StageRunner.this::drop);
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      // Nothing to do: step() pauses new partitions too while enough records wait.
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      dropWork(lost); // no commit: the partitions already belong to someone else
    }
  }
}
