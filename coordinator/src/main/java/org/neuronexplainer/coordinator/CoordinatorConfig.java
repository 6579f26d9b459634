package org.neuronexplainer.coordinator;

import java.util.Map;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.ops.Env;
import org.neuronexplainer.common.storage.StoreLocation;

/**
 * The coordinator's configuration, read once from the environment and checked at start.
 *
 * @param port {@code COORDINATOR_PORT}, default 8080: the API, {@code /healthz}, {@code /readyz}
 *     and {@code /metrics}; 0 picks a free port
 * @param apiToken {@code COORDINATOR_API_TOKEN}, required, at least 16 characters: the bearer token
 *     of {@code /api}
 * @param createTopics {@code KAFKA_CREATE_TOPICS}, default true: create missing topics at start
 * @param viewer {@code COORDINATOR_VIEWER}, default true: serve the neuron viewer and the run pages
 *     over the store on the same port
 */
public record CoordinatorConfig(
    KafkaConfig kafka,
    StoreLocation store,
    int port,
    String apiToken,
    boolean createTopics,
    boolean viewer) {

  public static CoordinatorConfig fromEnv(Map<String, String> env) {
    return fromEnv(env, KafkaConfig.fromEnv(env));
  }

  public static CoordinatorConfig fromEnv(Map<String, String> env, KafkaConfig kafka) {
    String token = env.get("COORDINATOR_API_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "COORDINATOR_API_TOKEN is required (the API's bearer token)");
    }
    if (token.trim().length() < 16) {
      throw new IllegalArgumentException("COORDINATOR_API_TOKEN must be at least 16 characters");
    }
    String create = env.getOrDefault("KAFKA_CREATE_TOPICS", "true").trim();
    if (!create.equals("true") && !create.equals("false")) {
      throw new IllegalArgumentException(
          "KAFKA_CREATE_TOPICS: '" + create + "' is not true or false");
    }
    return new CoordinatorConfig(
        kafka,
        StoreLocation.fromEnv(env),
        Env.integer(env, "COORDINATOR_PORT", 8080, 0, 65_535),
        token.trim(),
        Boolean.parseBoolean(create),
        bool(env, "COORDINATOR_VIEWER", true));
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = env.getOrDefault(name, Boolean.toString(fallback)).trim();
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(name + ": '" + value + "' is not true or false");
    }
    return Boolean.parseBoolean(value);
  }

  /** The token is never shown. */
  @Override
  public String toString() {
    return "CoordinatorConfig[kafka="
        + kafka
        + ", store="
        + store
        + ", port="
        + port
        + ", apiToken=***, createTopics="
        + createTopics
        + ", viewer="
        + viewer
        + "]";
  }
}
