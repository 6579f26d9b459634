package org.neuronexplainer.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.messaging.DeadLetter;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.testing.Await;

/** Topic creation and a stage runner against a real (in-process, single-node KRaft) broker. */
class StageRunnerIT {

  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  private static KafkaClients clients;
  private final MessageCodec codec = new MessageCodec();

  @BeforeAll
  static void clients() {
    clients = BROKER.clients();
  }

  @Test
  void refusesMoreReplicasThanTheClusterHasBrokersAndCreatesNothing() throws Exception {
    Topics topics = new Topics("replicas-test.");
    try (Admin admin = clients.admin()) {
      assertThatThrownBy(() -> TopicCreator.createMissing(admin, topics, 3, (short) 3, (short) 2))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("KAFKA_REPLICATION_FACTOR is 3 but the Kafka cluster has 1 broker");
      assertThat(admin.listTopics().names().get()).noneMatch(n -> n.startsWith("replicas-test."));
    }
  }

  @Test
  void createsTopicsWithTheirMinInsyncReplicas() throws Exception {
    Topics topics = new Topics("insync-test.");
    try (Admin admin = clients.admin()) {
      TopicCreator.createMissing(admin, topics, 1, (short) 1, (short) 1);
      ConfigResource jobs =
          new ConfigResource(ConfigResource.Type.TOPIC, "insync-test.jobs.explain-and-score");
      Config config = admin.describeConfigs(List.of(jobs)).all().get().get(jobs);
      assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
      assertThat(config.get("min.insync.replicas").source())
          .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }
  }

  @Test
  void createsMissingTopicsOnceWithACompactedEventsTopic() throws Exception {
    Topics topics = new Topics("create-test.");
    try (Admin admin = clients.admin()) {
      List<String> created = TopicCreator.createMissing(admin, topics, 3, (short) 1);
      assertThat(created).hasSize(6).contains("create-test.jobs.capture", "create-test.events");
      assertThat(TopicCreator.createMissing(admin, topics, 3, (short) 1)).isEmpty();
      ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, "create-test.events");
      Config config = admin.describeConfigs(List.of(events)).all().get().get(events);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(
              admin
                  .describeTopics(List.of("create-test.jobs.explain-and-score"))
                  .allTopicNames()
                  .get()
                  .get("create-test.jobs.explain-and-score")
                  .partitions())
          .hasSize(3);
    }
  }

  @Test
  void processesJobsEndToEndWithASlowJobLongerThanThePollInterval() throws Exception {
    Topics topics = new Topics("e2e.");
    try (Admin admin = clients.admin()) {
      TopicCreator.createMissing(admin, topics, 2, (short) 1);
    }
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    StageHandler<ExplainAndScoreJob> handler =
        new StageHandler<>() {
          @Override
          public boolean outputExists(ExplainAndScoreJob job) {
            return false;
          }

          @Override
          public JobMetrics run(ExplainAndScoreJob job) {
            int n = runs.computeIfAbsent(job.unit(), u -> new AtomicInteger()).incrementAndGet();
            if (job.neuron().neuronIndex() == 0) {
              sleep(2_500); // longer than max.poll.interval.ms below
            }
            if (job.neuron().neuronIndex() == 1 && job.header().attempt() == 1) {
              throw new RetryableException("flaky endpoint (run " + n + ")");
            }
            return JobMetrics.score(job.neuron().neuronIndex() / 10.0);
          }
        };
    try (Producer<String, byte[]> producer = clients.producer("test-producer")) {
      Publisher publisher = new Publisher(producer, topics, codec);
      for (int i = 0; i < 5; i++) {
        publisher.job(
            new ExplainAndScoreJob(JobHeader.first("run-e2e", 3), new NeuronId(0, i), "k/" + i));
      }
      producer.send(
          new ProducerRecord<>(topics.explainAndScore().name(), "junk", "{".getBytes(UTF_8)));
      producer.flush();

      Consumer<String, byte[]> consumer =
          clients.consumer(
              topics.groupId(Stage.EXPLAIN_AND_SCORE),
              Map.of(
                  ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                  1_000,
                  ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                  2));
      RunnerSettings settings =
          RunnerSettings.DEFAULTS
              .withRetryDelays(Duration.ofMillis(300), Duration.ofSeconds(1))
              .withBusyPoll(Duration.ofMillis(200));
      StageRunner<ExplainAndScoreJob> runner =
          new StageRunner<>(consumer, publisher, topics.explainAndScore(), handler, settings);
      runner.start();
      try {
        List<StageEvent> events = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        try (Consumer<String, byte[]> reader = clients.consumer("reader-" + System.nanoTime())) {
          reader.subscribe(List.of(topics.events().name(), topics.deadLetter().name()));
          Await.until(
              Duration.ofSeconds(30),
              "five succeeded events",
              () -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                  if (r.topic().equals(topics.events().name())) {
                    events.add(codec.decode(r.value(), StageEvent.class));
                  } else {
                    letters.add(codec.decode(r.value(), DeadLetter.class));
                  }
                }
                return succeeded(events);
              },
              n -> n >= 5);
        }
        assertThat(succeeded(events)).isEqualTo(5);
        // No rebalance: a lost partition would have made the slow job run a second time.
        assertThat(runs.get("0:0")).hasValue(1);
        assertThat(runs.get("0:1")).hasValue(2);
        assertThat(runs.get("0:2")).hasValue(1);
        assertThat(events)
            .filteredOn(e -> e instanceof StageEvent.Failed)
            .singleElement()
            .satisfies(f -> assertThat(((StageEvent.Failed) f).willRetry()).isTrue());
        assertThat(letters).singleElement().satisfies(l -> assertThat(l.key()).isEqualTo("junk"));
      } finally {
        runner.close();
      }
      try (Admin admin = clients.admin()) {
        var committed =
            admin
                .listConsumerGroupOffsets(topics.groupId(Stage.EXPLAIN_AND_SCORE))
                .partitionsToOffsetAndMetadata()
                .get();
        var ends =
            consumerEndOffsets(
                Set.of(
                    new TopicPartition(topics.explainAndScore().name(), 0),
                    new TopicPartition(topics.explainAndScore().name(), 1)));
        ends.forEach((tp, end) -> assertThat(committed.get(tp).offset()).isEqualTo(end));
      }
    }
  }

  @ParameterizedTest(name = "{0} in flight")
  @ValueSource(ints = {1, 4})
  void aStoppedRunnerHandsBackItsRunningJobToTheNextWorker(int inFlight) throws Exception {
    Topics topics = new Topics("handback" + inFlight + ".");
    try (Admin admin = clients.admin()) {
      TopicCreator.createMissing(admin, topics, 1, (short) 1);
    }
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Set<String> written = ConcurrentHashMap.newKeySet();
    CountDownLatch slowStarted = new CountDownLatch(1);
    StageHandler<ExplainAndScoreJob> handler =
        new StageHandler<>() {
          @Override
          public boolean outputExists(ExplainAndScoreJob job) {
            return written.contains(job.unit());
          }

          @Override
          public JobMetrics run(ExplainAndScoreJob job) {
            int n = runs.computeIfAbsent(job.unit(), u -> new AtomicInteger()).incrementAndGet();
            if (job.neuron().neuronIndex() == 0 && n == 1) {
              slowStarted.countDown();
              sleep(10_000); // interrupted when the first worker gives up on it
              throw new RetryableException("interrupted");
            }
            written.add(job.unit());
            return JobMetrics.NONE;
          }
        };
    RunnerSettings settings =
        RunnerSettings.DEFAULTS
            .withBusyPoll(Duration.ofMillis(100))
            .withShutdownGrace(Duration.ofMillis(200))
            .withMaxInFlight(inFlight);
    TopicPartition tp = new TopicPartition(topics.explainAndScore().name(), 0);
    try (Producer<String, byte[]> producer = clients.producer("handback-producer");
        Admin admin = clients.admin()) {
      Publisher publisher = new Publisher(producer, topics, codec);
      for (int i = 0; i < 2; i++) {
        publisher.job(
            new ExplainAndScoreJob(JobHeader.first("run-hb", 3), new NeuronId(0, i), "k/" + i));
      }
      producer.flush();
      String group = topics.groupId(Stage.EXPLAIN_AND_SCORE);
      StageRunner<ExplainAndScoreJob> first =
          new StageRunner<>(
              clients.consumer(group), publisher, topics.explainAndScore(), handler, settings);
      first.start();
      assertThat(slowStarted.await(20, TimeUnit.SECONDS)).isTrue();
      if (inFlight > 1) {
        waitFor("the job after the slow one to finish", () -> written.contains("0:1"));
      }
      first.close(); // SIGTERM's path: the job outlives the grace and is handed back
      // Nothing past the unfinished job is committed, even what finished after it.
      assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get())
          .doesNotContainKey(tp);

      StageRunner<ExplainAndScoreJob> second =
          new StageRunner<>(
              clients.consumer(group), publisher, topics.explainAndScore(), handler, settings);
      second.start();
      try {
        waitFor("both jobs written", () -> written.size() == 2);
      } finally {
        second.close();
      }
      assertThat(runs.get("0:0")).hasValue(2);
      assertThat(runs.get("0:1")).hasValue(1); // read again by the second, skipped as written
      assertThat(
              admin
                  .listConsumerGroupOffsets(group)
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .get(tp)
                  .offset())
          .isEqualTo(2);
    }
  }

  @Test
  void runsSeveralJobsAtOnceButOneKeysJobsInOrderAndCommitsThemAll() throws Exception {
    Topics topics = new Topics("parallel.");
    try (Admin admin = clients.admin()) {
      TopicCreator.createMissing(admin, topics, 2, (short) 1);
    }
    int keys = 6;
    int perKey = 4;
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    Map<String, List<String>> order = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    StageHandler<ExplainAndScoreJob> handler =
        new StageHandler<>() {
          @Override
          public boolean outputExists(ExplainAndScoreJob job) {
            return false;
          }

          @Override
          public JobMetrics run(ExplainAndScoreJob job) {
            if (running.computeIfAbsent(job.unit(), u -> new AtomicInteger()).incrementAndGet()
                > 1) {
              overlaps.incrementAndGet();
            }
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            sleep(30);
            order
                .computeIfAbsent(job.unit(), u -> new CopyOnWriteArrayList<>())
                .add(job.header().runId());
            now.decrementAndGet();
            running.get(job.unit()).decrementAndGet();
            return JobMetrics.NONE;
          }
        };
    try (Producer<String, byte[]> producer = clients.producer("parallel-producer")) {
      Publisher publisher = new Publisher(producer, topics, codec);
      for (int round = 0; round < perKey; round++) {
        for (int k = 0; k < keys; k++) {
          publisher.job(
              new ExplainAndScoreJob(
                  JobHeader.first("run-" + round, 3), new NeuronId(0, k), "k/" + k));
        }
      }
      producer.flush();
      StageRunner<ExplainAndScoreJob> runner =
          new StageRunner<>(
              clients.consumer(topics.groupId(Stage.EXPLAIN_AND_SCORE)),
              publisher,
              topics.explainAndScore(),
              handler,
              RunnerSettings.DEFAULTS.withBusyPoll(Duration.ofMillis(100)).withMaxInFlight(4));
      runner.start();
      try {
        waitFor(
            "every job to run",
            () -> order.values().stream().mapToInt(List::size).sum() == keys * perKey);
      } finally {
        runner.close();
      }
    }
    assertThat(overlaps).hasValue(0);
    assertThat(most.get()).isBetween(2, 4);
    List<String> rounds = List.of("run-0", "run-1", "run-2", "run-3");
    order.values().forEach(runIds -> assertThat(runIds).isEqualTo(rounds));
    try (Admin admin = clients.admin()) {
      var committed =
          admin
              .listConsumerGroupOffsets(topics.groupId(Stage.EXPLAIN_AND_SCORE))
              .partitionsToOffsetAndMetadata()
              .get();
      var ends =
          consumerEndOffsets(
              Set.of(
                  new TopicPartition(topics.explainAndScore().name(), 0),
                  new TopicPartition(topics.explainAndScore().name(), 1)));
      ends.forEach((tp, end) -> assertThat(committed.get(tp).offset()).isEqualTo(end));
    }
  }

  private static void waitFor(String what, BooleanSupplier condition) {
    Await.until(Duration.ofSeconds(30), what, condition);
  }

  private static Map<TopicPartition, Long> consumerEndOffsets(Set<TopicPartition> partitions) {
    try (Consumer<String, byte[]> c = clients.consumer("ends-" + System.nanoTime())) {
      return c.endOffsets(partitions);
    }
  }

  private static long succeeded(List<StageEvent> events) {
    return events.stream().filter(e -> e instanceof StageEvent.Succeeded).count();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
