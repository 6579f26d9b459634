package org.neuronexplainer.cli.pipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.testing.Await;

/** The one-machine broker as a real process, from the jars deploy/kafka's build copied. */
class LocalKafkaBrokerIT {

  private static final TopicPartition SMOKE = new TopicPartition("smoke", 0);

  @Test
  void startsServesIsReusedAndKeepsItsDataOverARestart(@TempDir Path dir) throws Exception {
    Path libs = BrokerJars.builtOrSkip();
    LocalKafkaBroker broker = LocalKafkaBroker.start(dir, libs);
    LocalKafkaBroker restarted = null;
    try {
      assertThat(broker.startedHere()).isTrue();
      try (Admin admin = Admin.create(client(broker))) {
        admin.createTopics(List.of(new NewTopic(SMOKE.topic(), 1, (short) 1))).all().get();
      }
      produce(broker, "before restart");
      assertThat(consumeAll(broker, 1)).containsExactly("before restart");

      // A second start on the same directory finds the running broker and leaves it running.
      try (LocalKafkaBroker again = LocalKafkaBroker.start(dir, libs)) {
        assertThat(again.startedHere()).isFalse();
        assertThat(again.pid()).isEqualTo(broker.pid());
        assertThat(again.bootstrapServers()).isEqualTo(broker.bootstrapServers());
      }
      assertThat(ProcessHandle.of(broker.pid()).map(ProcessHandle::isAlive)).contains(true);

      broker.stop();
      assertThat(ProcessHandle.of(broker.pid()).map(ProcessHandle::isAlive).orElse(false))
          .isFalse();

      restarted = LocalKafkaBroker.start(dir, libs);
      assertThat(restarted.startedHere()).isTrue();
      assertThat(restarted.bootstrapServers()).isEqualTo(broker.bootstrapServers());
      produce(restarted, "after restart");
      assertThat(consumeAll(restarted, 2)).containsExactly("before restart", "after restart");
      assertThat(Files.readString(restarted.brokerLog())).contains("Kafka Server started");

    } finally {
      broker.stop();
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  @Test
  void closingNowKillsABrokerNoOneElseUsesAndLeavesOneThatIsShared(@TempDir Path dir)
      throws Exception {
    Path libs = BrokerJars.builtOrSkip();
    LocalKafkaBroker broker = LocalKafkaBroker.start(dir, libs);
    try {
      LocalKafkaBroker other = LocalKafkaBroker.start(dir, libs);
      // Another user holds a lease: closing now leaves the broker running for it.
      broker.closeNow();
      assertThat(ProcessHandle.of(other.pid()).map(ProcessHandle::isAlive)).contains(true);

      other.closeNow();
      assertThat(ProcessHandle.of(other.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(dir.resolve("broker.pid")).doesNotExist();
    } finally {
      broker.stop();
    }
  }

  @Test
  void closingNowWhileThisProcessStopsTheBrokerKillsItWithoutWaitingForItsShutdown(
      @TempDir Path dir) throws Exception {
    Path libs = BrokerJars.builtOrSkip();
    LocalKafkaBroker broker = LocalKafkaBroker.start(dir, libs);
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      // A suspended broker ignores the controlled shutdown: a close waits its whole 30 s bound.
      signal("STOP", broker.pid());
      Future<?> closing = threads.submit(broker::close);
      Await.until(
          Duration.ofSeconds(20),
          "the close to find no other user and stop the broker",
          () -> {
            try (Stream<Path> leases = Files.list(dir.resolve("leases"))) {
              return leases.findAny().isEmpty();
            }
          },
          Boolean::booleanValue);

      // As a second Ctrl-C does while the first one's close waits on the broker.
      threads.submit(broker::closeNow).get(10, TimeUnit.SECONDS);
      assertThat(ProcessHandle.of(broker.pid()).map(ProcessHandle::isAlive).orElse(false))
          .isFalse();
      closing.get(10, TimeUnit.SECONDS);
      assertThat(dir.resolve("broker.pid")).doesNotExist();
    } finally {
      ProcessHandle.of(broker.pid())
          .ifPresent(
              h -> {
                h.destroyForcibly();
                h.onExit().join();
              });
      threads.shutdownNow();
    }
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static Map<String, Object> client(LocalKafkaBroker broker) {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
  }

  private static void produce(LocalKafkaBroker broker, String value) throws Exception {
    try (var producer =
        new KafkaProducer<>(client(broker), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(SMOKE.topic(), "k", value)).get();
    }
  }

  private static List<String> consumeAll(LocalKafkaBroker broker, int expected) {
    List<String> values = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(client(broker), new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(SMOKE));
      consumer.seekToBeginning(List.of(SMOKE));
      Await.until(
          Duration.ofSeconds(20),
          expected + " records",
          () -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            return values;
          },
          v -> v.size() >= expected);
    }
    return values;
  }
}
