package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.Stage;

class WorkerConfigTest {

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    env.put("STORE_URL", "file:///tmp/store");
    return env;
  }

  @Test
  void defaultsToThePerNeuronStages() {
    WorkerConfig config = WorkerConfig.fromEnv(env());
    assertThat(config.stages())
        .containsExactlyInAnyOrder(Stage.EXPLAIN, Stage.SIMULATE, Stage.SCORE);
    assertThat(config.perNeuron()).isTrue();
    assertThat(config.runnersPerStage()).isEqualTo(4);
    assertThat(config.maxInFlight()).isEqualTo(8);
    assertThat(config.llmModel()).isEqualTo("none");
    assertThat(config.store().toString()).isEqualTo("file:///tmp/store");
  }

  @Test
  void aGpuPoolServesCaptureAloneAndACpuPoolTheRest() {
    Map<String, String> gpu = env();
    gpu.put("WORKER_STAGES", "capture");
    gpu.put("WORKER_CAPTURE_DEVICE", "gpu:1");
    WorkerConfig capture = WorkerConfig.fromEnv(gpu);
    assertThat(capture.serves(Stage.CAPTURE)).isTrue();
    assertThat(capture.perNeuron()).isFalse();
    assertThat(capture.needsSubjectModel()).isTrue();
    assertThat(capture.captureDevice()).isEqualTo("gpu:1");
    Map<String, String> cpu = env();
    cpu.put("WORKER_STAGES", "collate,explain,simulate,score,weights");
    WorkerConfig rest = WorkerConfig.fromEnv(cpu);
    assertThat(rest.perNeuron()).isTrue();
    assertThat(rest.serves(Stage.CAPTURE)).isFalse();
    assertThat(rest.serves(Stage.COLLATE)).isTrue();
    assertThat(rest.captureDevice()).isEqualTo("auto");
    assertThat(WorkerConfig.fromEnv(env()).needsSubjectModel()).isFalse();
  }

  @Test
  void errorsNameTheVariable() {
    Map<String, String> env = env();
    env.put("WORKER_STAGES", "explain");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .hasMessageContaining("WORKER_STAGES")
        .hasMessageContaining("all three");
    env.put("WORKER_STAGES", "explain,simulate,score,paint");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .hasMessageContaining("unknown stage 'paint'");
    env.put("WORKER_STAGES", "explain,capture");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env)).hasMessageContaining("all three");
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
}
