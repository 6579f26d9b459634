package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.worker.texts.PromptTexts;

class WorkerConfigTest {

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    env.put("STORE_URL", "file:///tmp/store");
    return env;
  }

  @Test
  void defaultsToThePerNeuronStage() {
    WorkerConfig config = WorkerConfig.fromEnv(env());
    assertThat(config.stages()).containsExactly(Stage.EXPLAIN_AND_SCORE);
    assertThat(config.runnersPerStage()).isEqualTo(4);
    assertThat(config.maxInFlight()).isEqualTo(8);
    assertThat(config.llmModel()).isEqualTo("none");
    assertThat(config.allAtOnceMaxTokens()).isZero();
    assertThat(config.store().toString()).isEqualTo("file:///tmp/store");
  }

  @Test
  void anEndpointThatRefusesZeroTokensGetsOneAndNothingMore() {
    Map<String, String> vllm = env();
    vllm.put("WORKER_ALL_AT_ONCE_MAX_TOKENS", "1");
    assertThat(WorkerConfig.fromEnv(vllm).allAtOnceMaxTokens()).isEqualTo(1);
    vllm.put("WORKER_ALL_AT_ONCE_MAX_TOKENS", "16");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(vllm))
        .hasMessageContaining("WORKER_ALL_AT_ONCE_MAX_TOKENS");
  }

  @Test
  void aGpuPoolServesCaptureAloneAndACpuPoolTheRest() {
    Map<String, String> gpu = env();
    gpu.put("WORKER_STAGES", "capture");
    gpu.put("WORKER_CAPTURE_DEVICE", "gpu:1");
    WorkerConfig capture = WorkerConfig.fromEnv(gpu);
    assertThat(capture.serves(Stage.CAPTURE)).isTrue();
    assertThat(capture.serves(Stage.EXPLAIN_AND_SCORE)).isFalse();
    assertThat(capture.needsSubjectModel()).isTrue();
    assertThat(capture.captureDevice()).isEqualTo("gpu:1");
    Map<String, String> cpu = env();
    cpu.put("WORKER_STAGES", "collate,explain-and-score,weights");
    WorkerConfig rest = WorkerConfig.fromEnv(cpu);
    assertThat(rest.serves(Stage.EXPLAIN_AND_SCORE)).isTrue();
    assertThat(rest.serves(Stage.WEIGHTS)).isTrue();
    assertThat(rest.serves(Stage.CAPTURE)).isFalse();
    assertThat(rest.serves(Stage.COLLATE)).isTrue();
    assertThat(rest.captureDevice()).isEqualTo("auto");
    assertThat(WorkerConfig.fromEnv(env()).needsSubjectModel()).isFalse();
  }

  @Test
  void theStagesThatBecameExplainAndScoreAreRefusedWithTheNewName() {
    for (String old : new String[] {"explain", "simulate", "score"}) {
      Map<String, String> env = env();
      env.put("WORKER_STAGES", "collate," + old + ",weights");
      assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("WORKER_STAGES: '" + old + "' is no longer a stage")
          .hasMessageContaining("'explain-and-score'");
    }
  }

  @Test
  void theMetricsServerListensOnTheLoopbackUnlessToldOtherwise() {
    Map<String, String> env = env();
    assertThat(WorkerConfig.fromEnv(env).metricsHost()).isEqualTo("127.0.0.1");
    env.put("METRICS_HOST", "0.0.0.0");
    assertThat(WorkerConfig.fromEnv(env).metricsHost()).isEqualTo("0.0.0.0");
    env.put("METRICS_HOST", "http://0.0.0.0");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .hasMessageStartingWith("METRICS_HOST is 'http://0.0.0.0': expected an address");
  }

  @Test
  void errorsNameTheVariable() {
    Map<String, String> env = env();
    env.put("WORKER_STAGES", "explain-and-score,paint");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .hasMessageContaining("WORKER_STAGES")
        .hasMessageContaining("unknown stage 'paint'")
        .hasMessageContaining("capture, collate, explain-and-score, weights");
    env.put("WORKER_STAGES", " , ");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env)).hasMessageContaining("names no stage");
    env.put("WORKER_STAGES", "capture");
    env.put("WORKER_CAPTURE_DEVICE", "tpu");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .hasMessageContaining("WORKER_CAPTURE_DEVICE");
    Map<String, String> runners = env();
    runners.put("WORKER_RUNNERS", "0");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(runners)).hasMessageContaining("WORKER_RUNNERS");
    Map<String, String> inFlight = env();
    inFlight.put("WORKER_MAX_IN_FLIGHT", "0");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(inFlight))
        .hasMessageContaining("WORKER_MAX_IN_FLIGHT");
    Map<String, String> both = env();
    both.put("STORE_DIR", "/x");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(both)).hasMessageContaining("not both");
    Map<String, String> azure = env();
    azure.put("STORE_URL", "https://x.blob.core.windows.net/c");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(azure)).hasMessageContaining("STORE_URL");
  }

  @Test
  void promptTextsComeFromTheProjectOrAFileCheckedAtStart(@TempDir Path dir) throws Exception {
    assertThat(WorkerConfig.fromEnv(env()).promptTexts()).isEqualTo(PromptTexts.defaults());
    Path file = dir.resolve("texts.json");
    Files.write(file, PromptTexts.defaultBytes());
    Map<String, String> env = env();
    env.put("WORKER_PROMPT_TEXTS", file.toString());
    assertThat(WorkerConfig.fromEnv(env).promptTexts().source()).isEqualTo(file.toString());
    Files.writeString(file, "{\"explainer.system\": \"x\"}");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .hasMessageContaining("WORKER_PROMPT_TEXTS")
        .hasMessageContaining("missing text \"neuron.heading\"");
  }
}
