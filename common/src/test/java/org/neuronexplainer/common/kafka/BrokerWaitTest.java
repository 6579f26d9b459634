package org.neuronexplainer.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Start-up against a broker that is not there: told while waiting, then a bounded give-up. */
class BrokerWaitTest {

  @Test
  void aClosedPortIsToldWhileWaitingAndGivenUpAfterTheBound() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    KafkaConfig config =
        KafkaConfig.fromEnv(
            Map.of("KAFKA_BOOTSTRAP_SERVERS", address, "KAFKA_CONNECT_TIMEOUT_SECONDS", "2"));
    List<String> notices = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();

    assertThatThrownBy(
            () -> BrokerWait.await(new KafkaClients(config), notices::add, Duration.ofMillis(500)))
        .isInstanceOf(BrokerWait.BrokerUnreachableException.class)
        .hasMessage(
            "cannot reach the Kafka broker at "
                + address
                + " (KAFKA_BOOTSTRAP_SERVERS) within 2 s; check the address and that the broker is"
                + " running, or raise KAFKA_CONNECT_TIMEOUT_SECONDS (0 waits forever)");

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(15));
    assertThat(notices).hasSizeBetween(2, 5);
    assertThat(notices.get(0))
        .matches(
            "waiting for the Kafka broker at "
                + address.replace(".", "\\.")
                + " \\(KAFKA_BOOTSTRAP_SERVERS\\), \\d+ s so far of 2");
  }

  @Test
  void theBoundIsReadFromTheEnvironmentAndZeroMeansForever() {
    assertThat(KafkaConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "h:1")).connectTimeout())
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(
            KafkaConfig.fromEnv(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "h:1", "KAFKA_CONNECT_TIMEOUT_SECONDS", "0"))
                .connectTimeout())
        .isZero();
    assertThatThrownBy(
            () ->
                KafkaConfig.fromEnv(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "h:1", "KAFKA_CONNECT_TIMEOUT_SECONDS", "-1")))
        .hasMessageStartingWith("KAFKA_CONNECT_TIMEOUT_SECONDS is '-1': expected");
  }
}
