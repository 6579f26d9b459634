package org.neuronexplainer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.ops.OpsServer;
import org.neuronexplainer.common.ops.ReadinessCheck;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

/** {@code /readyz} asks the broker and writes to the store, as the docs say. */
class CoordinatorReadinessTest {

  private static final ReadinessCheck CAUGHT_UP = () -> null;
  private static final CoordinatorReadiness.BrokerProbe BROKER_UP = timeout -> {};

  @Test
  void readyWhenTheBrokerAnswersAndTheStoreTakesAWrite() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    Map<String, ReadinessCheck> checks = CoordinatorReadiness.checks(CAUGHT_UP, BROKER_UP, store);

    assertThat(checks).containsOnlyKeys("events", "broker", "store");
    checks.values().forEach(check -> assertThat(check.problem()).isNull());
    assertThat(store.exists(CoordinatorReadiness.STORE_PROBE)).isTrue();
  }

  @Test
  void aBrokerThatFailsOrDoesNotAnswerIsNamed() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    ReadinessCheck failing =
        CoordinatorReadiness.checks(
                CAUGHT_UP,
                timeout -> {
                  throw new ExecutionException(new IllegalStateException("connection refused"));
                },
                store)
            .get("broker");
    ReadinessCheck silent =
        CoordinatorReadiness.checks(
                CAUGHT_UP,
                timeout -> {
                  throw new TimeoutException();
                },
                store)
            .get("broker");

    assertThat(failing.problem()).isEqualTo("the broker did not answer: connection refused");
    assertThat(silent.problem()).isEqualTo("the broker did not answer within 3 s");
  }

  @Test
  void aStoreThatRefusesWritesIsNotReady() {
    BlobStore readOnly =
        new BlobStore() {
          @Override
          public Optional<byte[]> get(String key) {
            return Optional.empty();
          }

          @Override
          public void put(String key, byte[] data) {
            throw new UncheckedIOException(
                "cannot write blob " + key, new IOException("Read-only file system"));
          }

          @Override
          public boolean exists(String key) {
            return false;
          }

          @Override
          public boolean delete(String key) {
            return false;
          }

          @Override
          public List<String> list(String prefix) {
            return List.of();
          }
        };
    String problem =
        CoordinatorReadiness.checks(CAUGHT_UP, BROKER_UP, readOnly).get("store").problem();

    assertThat(problem)
        .isEqualTo(
            "the store does not take writes: cannot write blob runs/.readyz-probe: Read-only file"
                + " system");
  }

  @Test
  void readyzAnswers503NamingTheBrokerWhenItIsAway() throws Exception {
    Map<String, ReadinessCheck> checks =
        CoordinatorReadiness.checks(
            CAUGHT_UP,
            timeout -> {
              throw new TimeoutException();
            },
            new InMemoryBlobStore());
    try (MetricsSetup metrics = new MetricsSetup();
        OpsServer server =
            OpsServer.start(Env.LOOPBACK, 0, metrics, checks, (vertx, router) -> {})) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).isEqualTo("broker: the broker did not answer within 3 s\n");
    }
  }
}
