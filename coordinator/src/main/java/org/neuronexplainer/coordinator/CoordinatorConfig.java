package org.neuronexplainer.coordinator;

import java.util.Map;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.storage.StoreLocation;

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
 */
public record CoordinatorConfig(
    KafkaConfig kafka,
    StoreLocation store,
    String host,
    int port,
    String apiToken,
    boolean createTopics,
    boolean viewer) {

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
        env.bool("COORDINATOR_VIEWER", true));
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
        + "]";
  }
}
