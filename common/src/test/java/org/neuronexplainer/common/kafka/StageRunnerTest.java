package org.neuronexplainer.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.DeadLetter;
import org.neuronexplainer.common.messaging.DroppedJobException;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.testing.Await;

class StageRunnerTest {

  private static final long T0 = 1_000_000L;

  private final Topics topics = new Topics("t.");
  private final TopicPartition tp = new TopicPartition(topics.explainAndScore().name(), 0);
  private final MessageCodec codec = new MessageCodec();
  private final RecordingConsumer consumer = new RecordingConsumer();
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final AtomicLong now = new AtomicLong(T0);
  private final ScriptedHandler handler = new ScriptedHandler();
  private final RunnerSettings settings =
      RunnerSettings.DEFAULTS
          .withRetryDelays(Duration.ofSeconds(2), Duration.ofSeconds(60))
          .withMaxHold(Duration.ofSeconds(5))
          .withShutdownGrace(Duration.ofMillis(300));
  private MockProducer<String, byte[]> pendingProducer;
  private StageRunner<ExplainAndScoreJob> runner;

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void commitsOnlyAfterTheHandlerReturns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    handler.onRun = job -> await(release);
    start(job(1, 3));
    waitUntil("the job to run", () -> handler.runs.get() == 1);
    awaitACommitChance();
    assertThat(committed()).isNull();
    assertThat(events()).singleElement().isInstanceOf(StageEvent.Started.class);
    release.countDown();
    waitUntil("a commit", () -> committed() != null);
    assertThat(committed().offset()).isEqualTo(1);
    assertThat(events().get(1))
        .isInstanceOfSatisfying(
            StageEvent.Succeeded.class,
            s -> {
              assertThat(s.skipped()).isFalse();
              assertThat(s.metrics().score()).isEqualTo(0.5);
              assertThat(s.key()).isEqualTo("run-1/explain-and-score/3:7");
            });
  }

  @Test
  void commitsNothingPastAnUnfinishedJobWhileLaterOnesOfOtherKeysFinish() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    handler.onRun =
        job -> {
          if (job.neuron().neuronIndex() == 0) {
            await(release);
          }
        };
    ExplainAndScoreJob[] jobs = new ExplainAndScoreJob[3];
    for (int i = 0; i < jobs.length; i++) {
      jobs[i] =
          new ExplainAndScoreJob(
              new JobHeader("run-1", 1, 3, 0), new NeuronId(3, i), "records/" + i);
    }
    startKeyed(settings.withMaxInFlight(4), jobs);
    waitUntil(
        "two jobs to succeed",
        () -> events().stream().filter(e -> e instanceof StageEvent.Succeeded).count() == 2);
    awaitACommitChance();
    assertThat(committed()).isNull();
    release.countDown();
    waitUntil("offset 3 committed", () -> committed() != null && committed().offset() == 3);
    assertThat(handler.runs.get()).isEqualTo(3);
  }

  @Test
  void retryableFailureRepublishesWithTheNextAttemptAndADelay() throws Exception {
    handler.onRun =
        job -> {
          throw new RetryableException("endpoint timed out");
        };
    start(job(1, 3));
    waitUntil("a commit", () -> committed() != null);
    List<ExplainAndScoreJob> republished = jobsSent();
    assertThat(republished).singleElement();
    JobHeader header = republished.get(0).header();
    assertThat(header.attempt()).isEqualTo(2);
    assertThat(header.notBeforeMillis()).isEqualTo(T0 + 2000);
    assertThat(sent(topics.explainAndScore().name()).get(0).key()).isEqualTo("3:7");
    assertThat(events().get(1))
        .isInstanceOfSatisfying(
            StageEvent.Failed.class,
            f -> {
              assertThat(f.willRetry()).isTrue();
              assertThat(f.attempt()).isEqualTo(1);
              assertThat(f.reason()).isEqualTo("endpoint timed out");
            });
    assertThat(deadLetters()).isEmpty();
    assertThat(committed().offset()).isEqualTo(1);
  }

  @Test
  void spentBudgetEndsFailedWithADeadLetter() throws Exception {
    handler.onRun =
        job -> {
          throw new IllegalStateException("still broken");
        };
    byte[] raw = codec.encode(job(3, 3));
    start(raw);
    waitUntil("a commit", () -> committed() != null);
    assertThat(jobsSent()).isEmpty();
    StageEvent.Failed failed = (StageEvent.Failed) events().get(1);
    assertThat(failed.willRetry()).isFalse();
    assertThat(failed.reason()).isEqualTo("attempt budget of 3 spent; last: still broken");
    DeadLetter letter = deadLetters().get(0);
    assertThat(letter.value()).isEqualTo(raw);
    assertThat(letter.runId()).isEqualTo("run-1");
    assertThat(letter.unit()).isEqualTo("3:7");
    assertThat(letter.originalTopic()).isEqualTo("t.jobs.explain-and-score");
    assertThat(letter.error()).isEqualTo(failed.reason());
  }

  @Test
  void permanentFailureDeadLettersOnTheFirstAttempt() throws Exception {
    handler.onRun =
        job -> {
          throw new PermanentException("record has no activations");
        };
    start(job(1, 5));
    waitUntil("a commit", () -> committed() != null);
    assertThat(jobsSent()).isEmpty();
    assertThat(((StageEvent.Failed) events().get(1)).willRetry()).isFalse();
    assertThat(deadLetters()).singleElement();
  }

  @Test
  void droppedJobIsCommittedWithNoOutcomeNoRetryAndNoDeadLetter() throws Exception {
    handler.onRun =
        job -> {
          throw new DroppedJobException("no spec for run r1 in this worker's store");
        };
    start(job(1, 5));
    waitUntil("a commit", () -> committed() != null);
    assertThat(committed().offset()).isEqualTo(1);
    assertThat(jobsSent()).isEmpty();
    assertThat(deadLetters()).isEmpty();
    assertThat(events()).noneMatch(e -> e instanceof StageEvent.Failed);
    assertThat(events()).noneMatch(e -> e instanceof StageEvent.Succeeded);
  }

  @Test
  void malformedMessageIsDeadLetteredAndTheLoopGoesOn() throws Exception {
    start("{oops".getBytes(UTF_8), codec.encode(job(1, 3)));
    waitUntil("offset 2 committed", () -> committed() != null && committed().offset() == 2);
    DeadLetter letter = deadLetters().get(0);
    assertThat(letter.offset()).isZero();
    assertThat(letter.error()).startsWith("not JSON");
    assertThat(letter.runId()).isNull();
    assertThat(handler.malformed).singleElement().asString().startsWith("not JSON");
    assertThat(handler.runs.get()).isEqualTo(1);
    assertThat(events().get(events().size() - 1)).isInstanceOf(StageEvent.Succeeded.class);
  }

  @Test
  void existingOutputIsSkippedAndReportedAsSuccess() throws Exception {
    handler.exists = true;
    start(job(1, 3));
    waitUntil("a commit", () -> committed() != null);
    assertThat(handler.runs.get()).isZero();
    assertThat(((StageEvent.Succeeded) events().get(1)).skipped()).isTrue();
  }

  @Test
  void notYetDueJobWaitsForItsTime() throws Exception {
    start(codec.encode(job(2, 3).withHeader(new JobHeader("run-1", 2, 3, T0 + 1500))));
    awaitDispatched();
    assertThat(events()).as("held, not started").isEmpty();
    now.addAndGet(1500);
    waitUntil("a commit", () -> committed() != null);
    assertThat(handler.runs.get()).isEqualTo(1);
    assertThat(jobsSent()).isEmpty();
  }

  @Test
  void longDelayGoesToTheBackOfTheTopicAfterTheHold() throws Exception {
    ExplainAndScoreJob later = job(2, 3).withHeader(new JobHeader("run-1", 2, 3, T0 + 60_000));
    start(codec.encode(later));
    awaitDispatched(); // held from T0, so that the hold ends at T0 + 5 s
    assertThat(events()).as("held, not started").isEmpty();
    now.addAndGet(5000); // the hold ends, the job is still 55 s early
    waitUntil("a commit", () -> committed() != null);
    assertThat(handler.runs.get()).isZero();
    assertThat(jobsSent()).containsExactly(later);
    assertThat(events()).isEmpty();
  }

  @Test
  void stopLetsARunningJobFinishWithinTheGrace() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    handler.onRun =
        job -> {
          started.countDown();
          sleep(100);
        };
    // A grace far longer than the job, however slowly this machine runs it.
    startKeyed(settings.withShutdownGrace(Duration.ofSeconds(30)), job(1, 3));
    assertThat(started.await(10, TimeUnit.SECONDS)).as("job started").isTrue();
    runner.close();
    assertThat(committed().offset()).isEqualTo(1);
    assertThat(consumer.closed()).isTrue();
  }

  @Test
  void stopHandsBackAJobThatOutlivesTheGrace() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    handler.onRun =
        job -> {
          started.countDown();
          sleep(5_000);
        };
    start(job(1, 3), job(1, 3));
    assertThat(started.await(10, TimeUnit.SECONDS)).as("job started").isTrue();
    runner.close();
    assertThat(committed()).isNull();
    assertThat(events()).singleElement().isInstanceOf(StageEvent.Started.class);
    assertThat(consumer.closed()).isTrue();
  }

  @Test
  void aFailedPublishIsNotCommittedAndTheRecordIsReadAgain() throws Exception {
    pendingProducer =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    start(job(1, 3));
    waitUntil("started and succeeded sent", () -> pendingProducer.history().size() == 2);
    pendingProducer.errorNext(new TimeoutException("broker away"));
    pendingProducer.completeNext();
    waitUntil("the record to be read again", () -> consumer.position(tp) == 0);
    assertThat(committed()).isNull();
    assertThat(handler.runs.get()).isEqualTo(1);
  }

  @Test
  void aConsumerErrorStopsTheRunnerAndIsReported() throws Exception {
    consumer.setPollException(new KafkaException("not authorized"));
    start(job(1, 3));
    waitUntil("the runner to stop", () -> !runner.running());
    assertThat(runner.failure()).hasMessage("not authorized");
    assertThat(consumer.closed()).isTrue();
  }

  // ---- fixture

  private static ExplainAndScoreJob job(int attempt, int maxAttempts) {
    return new ExplainAndScoreJob(
        new JobHeader("run-1", attempt, maxAttempts, 0),
        new NeuronId(3, 7),
        "collated-activations/3/7.json");
  }

  private void start(ExplainAndScoreJob... jobs) {
    start(Arrays.stream(jobs).map(codec::encode).toArray(byte[][]::new));
  }

  private void start(byte[]... values) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(tp));
          consumer.updateBeginningOffsets(Map.of(tp, 0L));
          for (int i = 0; i < values.length; i++) {
            consumer.addRecord(new ConsumerRecord<>(tp.topic(), 0, i, "3:7", values[i]));
          }
        });
    Publisher publisher =
        new Publisher(pendingProducer != null ? pendingProducer : producer, topics, codec);
    runner =
        new StageRunner<>(
            consumer, publisher, topics.explainAndScore(), handler, settings, now::get);
    runner.start();
  }

  /** Jobs keyed by their neuron, as the coordinator publishes them. */
  private void startKeyed(RunnerSettings with, ExplainAndScoreJob... jobs) {
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(tp));
          consumer.updateBeginningOffsets(Map.of(tp, 0L));
          for (int i = 0; i < jobs.length; i++) {
            consumer.addRecord(
                new ConsumerRecord<>(tp.topic(), 0, i, jobs[i].unit(), codec.encode(jobs[i])));
          }
        });
    runner =
        new StageRunner<>(
            consumer,
            new Publisher(producer, topics, codec),
            topics.explainAndScore(),
            handler,
            with,
            now::get);
    runner.start();
  }

  private OffsetAndMetadata committed() {
    return consumer.commits.get(tp);
  }

  private List<ProducerRecord<String, byte[]>> sent(String topic) {
    return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  private List<StageEvent> events() {
    return sent(topics.events().name()).stream()
        .map(r -> codec.decode(r.value(), StageEvent.class))
        .toList();
  }

  private List<DeadLetter> deadLetters() {
    return sent(topics.deadLetter().name()).stream()
        .map(r -> codec.decode(r.value(), DeadLetter.class))
        .toList();
  }

  private List<ExplainAndScoreJob> jobsSent() {
    return sent(topics.explainAndScore().name()).stream()
        .map(r -> codec.decode(r.value(), ExplainAndScoreJob.class))
        .toList();
  }

  private static void waitUntil(String what, BooleanSupplier condition) {
    Await.until(Duration.ofSeconds(30), what, condition);
  }

  /**
   * Waits until the runner has gone round its loop once more after the poll that read the records:
   * by then it has dispatched them (started, or put on hold against the fake clock's time).
   */
  private void awaitDispatched() {
    waitUntil("the runner to dispatch what it read", consumer::polledAgainAfterRecords);
  }

  /**
   * Waits until a commit interval has passed (commits are paced by real time) and the runner has
   * then gone round its loop twice: whatever it may commit by now, it has committed.
   */
  private void awaitACommitChance() {
    long since = System.nanoTime();
    long interval = settings.commitInterval().toNanos();
    waitUntil("a commit interval to pass", () -> System.nanoTime() - since > interval);
    int polls = consumer.polls.get();
    waitUntil("two more turns of the runner's loop", () -> consumer.polls.get() >= polls + 2);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Keeps the committed offsets readable after the runner closed the consumer, and counts the
   * polls, each of which begins a turn of the runner's loop.
   */
  static final class RecordingConsumer extends MockConsumer<String, byte[]> {
    final Map<TopicPartition, OffsetAndMetadata> commits = new ConcurrentHashMap<>();
    final AtomicInteger polls = new AtomicInteger();
    private volatile int lastPollWithRecords;

    RecordingConsumer() {
      super("earliest");
    }

    @Override
    public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
      int poll = polls.incrementAndGet();
      ConsumerRecords<String, byte[]> records = super.poll(timeout);
      if (!records.isEmpty()) {
        lastPollWithRecords = poll;
      }
      return records;
    }

    boolean polledAgainAfterRecords() {
      return lastPollWithRecords > 0 && polls.get() > lastPollWithRecords;
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      super.commitSync(offsets);
      commits.putAll(offsets);
    }

    @Override
    public synchronized void commitAsync(
        Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
      super.commitAsync(offsets, callback);
      commits.putAll(offsets);
    }
  }

  /** A handler whose behaviour each test sets. */
  static final class ScriptedHandler implements StageHandler<ExplainAndScoreJob> {
    volatile boolean exists;
    volatile Consumer<ExplainAndScoreJob> onRun = job -> {};
    final AtomicInteger runs = new AtomicInteger();
    final List<String> malformed = new CopyOnWriteArrayList<>();

    @Override
    public void malformed(String reason) {
      malformed.add(reason);
    }

    @Override
    public boolean outputExists(ExplainAndScoreJob job) {
      return exists;
    }

    @Override
    public JobMetrics run(ExplainAndScoreJob job) {
      runs.incrementAndGet();
      onRun.accept(job);
      return JobMetrics.score(0.5);
    }
  }
}
