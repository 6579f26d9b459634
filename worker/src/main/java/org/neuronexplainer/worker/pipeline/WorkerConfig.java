package org.neuronexplainer.worker.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.storage.StoreLocation;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * A worker's configuration, read once from the environment and checked at start.
 *
 * @param stages {@code WORKER_STAGES}, default {@code explain-and-score}: any of {@code capture},
 *     {@code collate}, {@code explain-and-score} and {@code weights} (a GPU pool: {@code capture};
 *     a CPU pool: {@code collate,explain-and-score,weights})
 * @param runnersPerStage {@code WORKER_RUNNERS}, consumers per stage in this process, default 4
 *     (bounded by partitions: a consumer beyond the topic's partition count gets none)
 * @param maxInFlight {@code WORKER_MAX_IN_FLIGHT}, default 8: jobs each consumer of the per-neuron
 *     stage works on at once (one neuron's jobs one after another), so its parallelism in this
 *     process is {@code runnersPerStage * maxInFlight}; capture, collate and weights run one job at
 *     a time
 * @param jobTimeout {@code WORKER_JOB_TIMEOUT_SECONDS}, default 600: the longest one neuron may
 *     take
 * @param fetchMaxWaitMillis {@code WORKER_FETCH_MAX_WAIT_MS}, default 50: the consumers' {@code
 *     fetch.max.wait.ms}; lower hands jobs over faster, higher sends fewer fetches when idle
 * @param sessionTimeoutMillis {@code WORKER_SESSION_TIMEOUT_MS}, default 45000 (Kafka's): how soon
 *     the partitions of a worker that died without leaving move to the others
 * @param metricsHost {@code METRICS_HOST}, default {@code 127.0.0.1} (this machine only): the
 *     address of {@code /healthz}, {@code /readyz} and {@code /metrics}; a container sets {@code
 *     0.0.0.0} for its probes and Prometheus
 * @param metricsPort {@code METRICS_PORT}, default 9400; 0 picks a free port
 * @param llmModel {@code LLM_MODEL}, for the LLM meters' model label; {@code none} when unset
 * @param captureDevice {@code WORKER_CAPTURE_DEVICE}, default {@code auto} (the first GPU the
 *     engine sees, else the CPU): where capture and weights run the subject model ({@code cpu},
 *     {@code gpu}, {@code gpu:N}); a property of the pod, so not of the run spec
 * @param promptTexts {@code WORKER_PROMPT_TEXTS}, a prompt-texts file read and checked at start:
 *     the texts of runs whose spec names none (older specs, API submissions without them); default
 *     the project's own. A run that names its texts uses those
 * @param allAtOnceMaxTokens {@code WORKER_ALL_AT_ONCE_MAX_TOKENS}, 0 (default, as the original) or
 *     1: the {@code max_tokens} of all-at-once simulator requests; a property of the endpoint,
 *     since some servers (vLLM) refuse 0, and the scores do not depend on it (only prompt logprobs
 *     are read)
 */
public record WorkerConfig(
    Set<Stage> stages,
    int runnersPerStage,
    int maxInFlight,
    Duration jobTimeout,
    int fetchMaxWaitMillis,
    int sessionTimeoutMillis,
    StoreLocation store,
    KafkaConfig kafka,
    String metricsHost,
    int metricsPort,
    String llmModel,
    String captureDevice,
    PromptTexts promptTexts,
    int allAtOnceMaxTokens) {

  public WorkerConfig {
    stages = Set.copyOf(stages);
  }

  public static WorkerConfig fromEnv(Map<String, String> env) {
    return fromEnv(env, KafkaConfig.fromEnv(env));
  }

  /** With a given Kafka configuration: the one-machine run, whose broker is its own. */
  public static WorkerConfig fromEnv(Map<String, String> vars, KafkaConfig kafka) {
    Env env = new Env(vars);
    Set<Stage> stages = stages(env.string("WORKER_STAGES", Stage.EXPLAIN_AND_SCORE.id()));
    return new WorkerConfig(
        stages,
        env.integer("WORKER_RUNNERS", 4, 1, 256),
        env.integer("WORKER_MAX_IN_FLIGHT", 8, 1, 1024),
        Duration.ofSeconds(env.integer("WORKER_JOB_TIMEOUT_SECONDS", 600, 1, 86_400)),
        env.integer("WORKER_FETCH_MAX_WAIT_MS", 50, 0, 30_000),
        env.integer("WORKER_SESSION_TIMEOUT_MS", 45_000, 1_000, 3_600_000),
        StoreLocation.fromEnv(vars),
        kafka,
        env.host("METRICS_HOST", Env.LOOPBACK),
        env.integer("METRICS_PORT", 9400, 0, 65_535),
        env.string("LLM_MODEL", "none"),
        env.parsed("WORKER_CAPTURE_DEVICE", "auto", WorkerConfig::device),
        env.parsed(
            "WORKER_PROMPT_TEXTS", PromptTexts.defaults(), v -> PromptTexts.read(Path.of(v))),
        env.integer("WORKER_ALL_AT_ONCE_MAX_TOKENS", 0, 0, 1));
  }

  private static String device(String value) {
    String device = value.toLowerCase(Locale.ROOT);
    if (!device.matches("auto|cpu|gpu(:\\d+)?")) {
      throw new IllegalArgumentException("auto, cpu, gpu or gpu:N");
    }
    return device;
  }

  static Set<Stage> stages(String text) {
    Set<Stage> stages = EnumSet.noneOf(Stage.class);
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        stages.add(Stage.fromId(part.trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("WORKER_STAGES: " + e.getMessage(), e);
      }
    }
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("WORKER_STAGES names no stage");
    }
    return stages;
  }

  /** True when this worker serves a stage. */
  public boolean serves(Stage stage) {
    return stages.contains(stage);
  }

  /** True when this worker runs the subject model or reads its tokenizer. */
  public boolean needsSubjectModel() {
    return serves(Stage.CAPTURE) || serves(Stage.COLLATE) || serves(Stage.WEIGHTS);
  }
}
