package org.neuronexplainer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorConfigTest {

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    env.put("STORE_DIR", "/tmp/store");
    env.put("COORDINATOR_API_TOKEN", "a-long-enough-token");
    return env;
  }

  @Test
  void readsDefaultsAndHidesTheToken() {
    CoordinatorConfig config = CoordinatorConfig.fromEnv(env());
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.createTopics()).isTrue();
    assertThat(config.viewer()).isTrue();
    assertThat(config.toString()).doesNotContain("a-long-enough-token");
  }

  @Test
  void errorsNameTheVariable() {
    Map<String, String> env = env();
    env.remove("COORDINATOR_API_TOKEN");
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(env))
        .hasMessageContaining("COORDINATOR_API_TOKEN");
    env.put("COORDINATOR_API_TOKEN", "short");
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(env)).hasMessageContaining("16");
    Map<String, String> badPort = env();
    badPort.put("COORDINATOR_PORT", "70000");
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(badPort))
        .hasMessageContaining("COORDINATOR_PORT");
    Map<String, String> noStore = env();
    noStore.remove("STORE_DIR");
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(noStore)).hasMessageContaining("STORE_");
  }

  @Test
  void listensOnTheLoopbackUnlessToldOtherwise() {
    Map<String, String> env = env();
    assertThat(CoordinatorConfig.fromEnv(env).host()).isEqualTo("127.0.0.1");
    env.put("COORDINATOR_HOST", "0.0.0.0");
    assertThat(CoordinatorConfig.fromEnv(env).host()).isEqualTo("0.0.0.0");
    env.put("COORDINATOR_HOST", "0.0.0.0:8080");
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(env))
        .hasMessageStartingWith("COORDINATOR_HOST is '0.0.0.0:8080': expected an address");
  }

  @Test
  void theViewerCanBeSwitchedOffAndABadSwitchIsNamed() {
    Map<String, String> env = env();
    env.put("COORDINATOR_VIEWER", "false");
    assertThat(CoordinatorConfig.fromEnv(env).viewer()).isFalse();
    env.put("COORDINATOR_VIEWER", "no");
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(env))
        .hasMessageContaining("COORDINATOR_VIEWER");
  }

  @Test
  void publishingWaitsTenSecondsAndRetriesEveryThirtyUnlessTold() {
    CoordinatorConfig defaults = CoordinatorConfig.fromEnv(env());
    assertThat(defaults.publishTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.publishRetry()).isEqualTo(Duration.ofSeconds(30));
    Map<String, String> env = env();
    env.put("COORDINATOR_PUBLISH_TIMEOUT_SECONDS", "2.5");
    env.put("COORDINATOR_PUBLISH_RETRY_SECONDS", "5");
    CoordinatorConfig config = CoordinatorConfig.fromEnv(env);
    assertThat(config.publishTimeout()).isEqualTo(Duration.ofMillis(2_500));
    assertThat(config.publishRetry()).isEqualTo(Duration.ofSeconds(5));
    env.put("COORDINATOR_PUBLISH_TIMEOUT_SECONDS", "0");
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(env))
        .hasMessageContaining("COORDINATOR_PUBLISH_TIMEOUT_SECONDS");
  }
}
