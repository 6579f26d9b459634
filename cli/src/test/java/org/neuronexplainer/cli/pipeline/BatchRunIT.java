package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.llm.BatchStore;
import org.neuronexplainer.worker.llm.Batcher;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedBatchServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.pipeline.BatchLoop;
import org.neuronexplainer.worker.pipeline.BatchRequeue;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;

/**
 * A priced LLM run (token-activation-pair + json) whose calls go through a scripted Batch API on
 * loopback: its first batch expires part way and its batches are held in progress while the
 * coordinator restarts. Every neuron is scored, none fails, no answered call is sent again, and the
 * run's cost is the answers' tokens at batch prices.
 */
class BatchRunIT {

  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  @TempDir Path dir;

  @Test
  void aBatchRunScoresEveryNeuronThroughExpiryAndACoordinatorRestart() throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    List<NeuronId> neurons = SyntheticNeurons.write(store, 6);
    ObjectMapper mapper = new ObjectMapper();
    try (ScriptedBatchServer api = new ScriptedBatchServer()) {
      api.answeredBy(new ScriptedModel());
      api.then(ScriptedBatchServer.Plan.expireAfter(2));
      Map<String, String> env = PipelineIT.env(BROKER, dir, "batch.");
      env.put("LLM_BASE_URL", api.root() + "/v1");
      env.put("LLM_MODEL", "m");
      env.put("LLM_PRICES", "m=1:2");
      env.put("COORDINATOR_PUBLISH_RETRY_SECONDS", "1");
      LlmConfig llmConfig = LlmConfig.fromEnv(env);
      Batcher batcher =
          new Batcher(
              new BatchStore(store, mapper),
              llmConfig,
              HttpClient.newHttpClient(),
              mapper,
              1000,
              1 << 20,
              3,
              new BatchRequeue(new RunRecords(store), System::currentTimeMillis),
              System::currentTimeMillis);
      try (MetricsSetup metrics = new MetricsSetup();
          Worker w =
              Worker.startWithLlm(
                  WorkerConfig.fromEnv(env, KafkaConfig.fromEnv(env)),
                  llmConfig,
                  store,
                  metrics,
                  PipelineIT.FAST_RETRIES);
          BatchLoop loop = new BatchLoop(batcher, Duration.ofMillis(200))) {
        Coordinator first = PipelineIT.coordinator(env, store, metrics);
        try {
          first.runs().submit(spec());
          // Past the expired batch, then hold the next ones in progress and restart.
          Await.until(Duration.ofSeconds(60), "a second batch", () -> api.batches().size() >= 2);
          api.hold(true);
          Await.until(
              Duration.ofSeconds(60),
              "a batch held in progress",
              () -> batcher.counts().inProgress() > 0);
        } finally {
          first.close();
        }
        try (Coordinator second = PipelineIT.coordinator(env, store, metrics)) {
          api.hold(false);
          RunView finished = PipelineIT.awaitFinished(second, "run-batch", Duration.ofSeconds(90));
          assertThat(finished.status().state()).isEqualTo(RunState.SUCCEEDED);
          assertThat(finished.progress().states().get("done")).isEqualTo(neurons.size());
          assertThat(finished.progress().states().get("failed")).isZero();
          // The expired batch's unanswered calls were sent again; no answered one was.
          List<String> answered = api.answeredIds();
          assertThat(new HashSet<>(answered)).hasSize(answered.size());
          assertThat(batcher.counts().failed()).isEqualTo(1);
          // The run's view counts its batches as the batcher last did.
          assertThat(finished.batches()).isNotNull();
          assertThat(finished.batches().failed()).isEqualTo(1);
          assertThat(finished.batches().completed()).isGreaterThanOrEqualTo(2);
          assertThat(finished.batches().inProgress()).isZero();
          assertThat(finished.batches().pendingCalls()).isZero();
          // Every answer counted once, at half the synchronous prices ($0.5 and $1 a million).
          double expected = 0;
          for (JsonNode answer : api.answered()) {
            JsonNode usage = answer.path("usage");
            expected +=
                (usage.path("prompt_tokens").asLong() * 0.5
                        + usage.path("completion_tokens").asLong() * 1.0)
                    / 1e6;
          }
          assertThat(finished.progress().costUsd()).isPositive().isCloseTo(expected, within(1e-9));
        }
      }
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }

  private static RunSpec spec() {
    return new RunSpec(
            "run-batch", "store", null, null, "token-activation-pair", "json", "linear", "m", 3)
        .withBatch(true);
  }
}
