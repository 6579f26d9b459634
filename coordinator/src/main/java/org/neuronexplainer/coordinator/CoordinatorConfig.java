package org.neuronexplainer.coordinator;

import java.time.Duration;
import java.util.Map;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.storage.StoreLocation;
import org.neuronexplainer.coordinator.runs.RunService;

/**
 * The coordinator's configuration, read once from the environment and checked at start.
 *
 * @param host {@code COORDINATOR_HOST}, default {@code 127.0.0.1} (this machine only): the address
 *     the HTTP server listens on; a container sets {@code 0.0.0.0}
 * @param port {@code COORDINATOR_PORT}, default 8080: the API, {@code /healthz}, {@code /readyz}
 *     and {@code /metrics}; 0 picks a free port
 * @param apiToken {@code COORDINATOR_API_TOKEN}, required, at least 16 characters: the bearer token
 *     of {@code /api}
 * @param createTopics {@code KAFKA_CREATE_TOPICS}, default true: create missing topics at start
 * @param viewer {@code COORDINATOR_VIEWER}, default true: serve the neuron viewer and the run pages
 *     over the store on the same port
 * @param publishTimeout {@code COORDINATOR_PUBLISH_TIMEOUT_SECONDS}, default 10: how long a
 *     submission waits for the broker to take its jobs before it answers 503 (the run is recorded
 *     and published later)
 * @param publishRetry {@code COORDINATOR_PUBLISH_RETRY_SECONDS}, default 30: how often the jobs of
 *     running runs that the store does not mark published are published again
 */
public record CoordinatorConfig(
    KafkaConfig kafka,
    StoreLocation store,
    String host,
    int port,
    String apiToken,
    boolean createTopics,
    boolean viewer,
    Duration publishTimeout,
    Duration publishRetry) {

  public static CoordinatorConfig fromEnv(Map<String, String> env) {
    return fromEnv(env, KafkaConfig.fromEnv(env));
  }

  public static CoordinatorConfig fromEnv(Map<String, String> vars, KafkaConfig kafka) {
    Env env = new Env(vars);
    String token = env.required("COORDINATOR_API_TOKEN", "the API's bearer token");
    if (token.length() < 16) {
      throw Env.invalidSecret("COORDINATOR_API_TOKEN", "a token of at least 16 characters");
    }
    return new CoordinatorConfig(
        kafka,
        StoreLocation.fromEnv(vars),
        env.host("COORDINATOR_HOST", Env.LOOPBACK),
        env.integer("COORDINATOR_PORT", 8080, 0, 65_535),
        token,
        env.bool("KAFKA_CREATE_TOPICS", true),
        env.bool("COORDINATOR_VIEWER", true),
        env.seconds("COORDINATOR_PUBLISH_TIMEOUT_SECONDS", RunService.PUBLISH_TIMEOUT, 600),
        env.seconds("COORDINATOR_PUBLISH_RETRY_SECONDS", Duration.ofSeconds(30), 3_600));
  }

  /** The token is never shown. */
  @Override
  public String toString() {
    return "CoordinatorConfig[kafka="
        + kafka
        + ", store="
        + store
        + ", host="
        + host
        + ", port="
        + port
        + ", apiToken=***, createTopics="
        + createTopics
        + ", viewer="
        + viewer
        + ", publishTimeout="
        + publishTimeout
        + ", publishRetry="
        + publishRetry
        + "]";
  }
}
