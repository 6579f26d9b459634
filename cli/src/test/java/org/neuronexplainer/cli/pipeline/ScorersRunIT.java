package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;
import picocli.CommandLine;

/**
 * A run with every scorer (simulation, detection, fuzzing) through a real broker against a scripted
 * endpoint on loopback: each neuron gets all three, and {@code rescore} recomputes the
 * classification metrics exactly from the stored answers.
 */
class ScorersRunIT {

  private static final List<String> CLASSIFIERS = List.of("detection", "fuzzing");

  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  @TempDir Path dir;

  @Test
  void everyNeuronGetsEveryScorerAndRescoreReproducesTheirMetrics() throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    List<NeuronId> neurons = SyntheticNeurons.write(store, 6);
    try (ScriptedLlmServer llm = new ScriptedLlmServer()) {
      llm.otherwise(new ScriptedModel());
      Map<String, String> env = PipelineIT.env(BROKER, dir, "scorers.");
      env.put("LLM_BASE_URL", llm.root() + "/v1");
      env.put("LLM_MODEL", "m");
      try (MetricsSetup metrics = new MetricsSetup();
          Coordinator c = PipelineIT.coordinator(env, store, metrics);
          Worker w =
              Worker.startWithLlm(
                  WorkerConfig.fromEnv(env, KafkaConfig.fromEnv(env)),
                  LlmConfig.fromEnv(env),
                  store,
                  metrics,
                  PipelineIT.FAST_RETRIES)) {
        c.runs()
            .submit(
                new RunSpec(
                        "run-scorers",
                        "store",
                        null,
                        null,
                        "token-activation-pair",
                        "json",
                        "linear",
                        "m",
                        2)
                    .withScorers(List.of("simulation", "detection", "fuzzing")));
        RunView view = PipelineIT.awaitFinished(c, "run-scorers", Duration.ofSeconds(120));
        assertThat(view.status().state())
            .as(String.valueOf(view.progress()))
            .isEqualTo(RunState.SUCCEEDED);
        assertThat(view.progress().states()).containsEntry("done", neurons.size());
      }
    }
    for (NeuronId n : neurons) {
      String file = n.layerIndex() + "/" + n.neuronIndex();
      assertThat(dir.resolve("explanations/" + file + ".jsonl")).exists();
      for (String scorer : CLASSIFIERS) {
        Path own = dir.resolve("runs/run-scorers/classifications/" + scorer + "/" + file + ".json");
        Path shown = dir.resolve("classifications/" + scorer + "/" + file + ".json");
        assertThat(Files.readAllBytes(shown)).isEqualTo(Files.readAllBytes(own));
        ClassificationResults results =
            ClassificationJson.read(Files.readAllBytes(own), own.toString());
        assertThat(results.explanations()).isNotEmpty();
        assertThat(results.recompute()).isEqualTo(results);
      }
    }
    StringWriter out = new StringWriter();
    CommandLine rescore = Main.commandLine();
    rescore.setOut(new PrintWriter(out, true));
    rescore.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(rescore.execute("rescore", dir.resolve("classifications").toString())).isZero();
    assertThat(out.toString())
        .containsPattern("classification: \\d+ explanations, 0 whose stored metrics")
        .doesNotContain("! stored metrics differ");
  }
}
