package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.ExplanationSource;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;
import org.neuronexplainer.worker.simulate.Simulator;

/**
 * Three runs, one after another, on one store and one broker: each keeps its own results under the
 * run, the store's explanations view follows each run's publish policy with the source beside it,
 * and a neuron that fails in the last run keeps the view (and its source) of the run that explained
 * it, with no score on the last run's page.
 */
class ResultsPerRunIT {

  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  @TempDir Path dir;

  private static final String FAILING_RUN = "run-later";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aLaterRunNeitherOverwritesAnEarlierRunsResultsNorLeavesAnOldScoreLookingCurrent()
      throws Exception {
    BlobStore store = new LocalDirectoryStore(dir.resolve("store"));
    RunRecords records = new RunRecords(store);
    List<NeuronId> neurons = SyntheticNeurons.write(store, 6);
    NeuronId failing = neurons.get(2);
    Map<String, String> env = new HashMap<>(PipelineIT.env(BROKER, dir.resolve("store"), "rpr."));
    try (MetricsSetup metrics = new MetricsSetup();
        Coordinator c = PipelineIT.coordinator(env, store, metrics);
        Worker w =
            Worker.start(
                WorkerConfig.fromEnv(env, KafkaConfig.fromEnv(env)),
                store,
                new FailingInRun(failing),
                metrics,
                PipelineIT.FAST_RETRIES)) {
      // The first run explains every neuron and, by the default policy, fills the view.
      assertThat(run(c, spec("run-first", "linear", null)).status().state())
          .isEqualTo(RunState.SUCCEEDED);
      Map<NeuronId, byte[]> first = new HashMap<>();
      for (NeuronId n : neurons) {
        first.put(n, store.get(RunRecords.runExplanationKey("run-first", n)).orElseThrow());
        assertThat(store.get(RunRecords.explanationKey(n))).hasValue(first.get(n));
        assertThat(records.explanationSource(n).orElseThrow().runId()).isEqualTo("run-first");
      }

      // A run that publishes nothing keeps its results to itself.
      assertThat(run(c, spec("run-quiet", "none", "none")).status().state())
          .isEqualTo(RunState.SUCCEEDED);
      for (NeuronId n : neurons) {
        assertThat(store.exists(RunRecords.runExplanationKey("run-quiet", n))).isTrue();
        assertThat(records.explanationSource(n).orElseThrow().runId()).isEqualTo("run-first");
      }

      // The latest run replaces the view where it explained a neuron, and only there.
      RunView later = run(c, spec(FAILING_RUN, "none", "latest").withPublish("latest"));
      assertThat(later.status().state()).isEqualTo(RunState.FAILED);
      for (NeuronId n : neurons) {
        assertThat(store.get(RunRecords.runExplanationKey("run-first", n)))
            .as("run-first's own results of " + n + " after two more runs")
            .hasValue(first.get(n));
        ExplanationSource source = records.explanationSource(n).orElseThrow();
        byte[] shown = store.get(RunRecords.explanationKey(n)).orElseThrow();
        assertThat(source.describes(shown)).as("the source of " + n + " names its file").isTrue();
        if (n.equals(failing)) {
          assertThat(store.exists(RunRecords.runExplanationKey(FAILING_RUN, n))).isFalse();
          assertThat(shown).isEqualTo(first.get(n));
          assertThat(source.runId()).isEqualTo("run-first");
        } else {
          assertThat(shown)
              .isEqualTo(store.get(RunRecords.runExplanationKey(FAILING_RUN, n)).orElseThrow());
          assertThat(source.runId()).isEqualTo(FAILING_RUN);
          assertThat(source.publish()).isEqualTo("latest");
        }
      }

      // The viewer: the later run's page lists its own results, the failed neuron among none of
      // them and without a score; the failed neuron's page names the run its explanation is from.
      String name = failing.layerIndex() + ":" + failing.neuronIndex();
      JsonNode results = get(c, "/api/viewer/runs/" + FAILING_RUN + "/results");
      assertThat(results.get("total").asInt()).isEqualTo(neurons.size() - 1);
      assertThat(results.get("neurons").findValuesAsText("neuron")).doesNotContain(name);
      JsonNode failed = get(c, "/api/viewer/runs/" + FAILING_RUN + "/neurons?state=failed");
      assertThat(failed.at("/neurons/0/neuron").asText()).isEqualTo(name);
      assertThat(failed.at("/neurons/0/score").isNumber()).as("a failed neuron's score").isFalse();
      JsonNode page =
          get(c, "/api/viewer/neurons/" + failing.layerIndex() + "/" + failing.neuronIndex());
      assertThat(page.at("/source/status").asText()).isEqualTo("recorded");
      assertThat(page.at("/source/runId").asText()).isEqualTo("run-first");
      assertThat(get(c, "/api/viewer/runs/run-first/results").get("total").asInt())
          .isEqualTo(neurons.size());
    }
  }

  private static RunSpec spec(String runId, String calibration, String publish) {
    return new RunSpec(runId, "store", null, null, null, null, calibration, null, 1)
        .withPublish(publish);
  }

  private static RunView run(Coordinator c, RunSpec spec) {
    c.runs().submit(spec);
    return PipelineIT.awaitFinished(c, spec.runId(), Duration.ofSeconds(90));
  }

  private static JsonNode get(Coordinator c, String path) throws Exception {
    var response = PipelineIT.get(c.port(), path, null);
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The baseline backends, with an explainer that fails one neuron in {@link #FAILING_RUN}. */
  private record FailingInRun(NeuronId broken) implements Backends {
    @Override
    public Explainer explainer(RunSpec spec) {
      Explainer real = Backends.withoutModels().explainer(spec);
      return (input, llm) ->
          spec.runId().equals(FAILING_RUN) && input.neuron().neuronId().equals(broken)
              ? CompletableFuture.failedFuture(new IllegalStateException("endpoint down"))
              : real.explain(input, llm);
    }

    @Override
    public Simulator simulator(RunSpec spec) {
      return Backends.withoutModels().simulator(spec);
    }

    @Override
    public LlmTransport transport(RunSpec spec) {
      return LlmTransport.none();
    }
  }
}
