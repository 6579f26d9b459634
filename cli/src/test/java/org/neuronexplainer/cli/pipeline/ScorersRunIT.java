package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.classify.RoundExplanation;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunRecords;
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
    List<NeuronId> neurons =
        run(
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

  /**
   * A run of 3 explanations a neuron and up to 2 revision rounds, the best picked by detection:
   * every neuron's rounds file lists the explanations of its results in order, each revision
   * revises the best so far, and the best is the highest balanced accuracy, both worked out here
   * from the stored answers alone; {@code rescore} then finds nothing to change.
   */
  @Test
  void aRunWithRevisionKeepsEveryRoundAndMarksTheBest() throws Exception {
    RunSpec spec =
        new RunSpec(
                "run-refine",
                "store",
                null,
                null,
                "token-activation-pair",
                "all-at-once",
                "linear",
                "m",
                2)
            .withScorers(List.of("simulation", "detection", "fuzzing"))
            .withRefinement(new Refinement(3, 2, "detection"));
    List<NeuronId> neurons = run(spec);
    BlobStore store = new LocalDirectoryStore(dir);
    int revised = 0;
    for (NeuronId n : neurons) {
      String key = RunRecords.runRoundsKey(spec.runId(), n);
      byte[] bytes = store.get(key).orElseThrow(() -> new AssertionError("no " + key));
      assertThat(store.get(RunRecords.roundsKey(n))).hasValue(bytes);
      ExplanationRounds rounds = ClassificationJson.readRounds(bytes, key);
      String detectionKey = RunRecords.runClassificationKey(spec.runId(), "detection", n);
      ClassificationResults detection =
          ClassificationJson.read(store.get(detectionKey).orElseThrow(), detectionKey);
      List<RoundExplanation> all = rounds.explanations();
      assertThat(detection.explanations()).hasSameSizeAs(all);
      assertThat(all.stream().filter(one -> one.round() == 0)).hasSizeBetween(1, 3);
      List<Double> accuracy = new ArrayList<>();
      Integer best = null;
      for (int i = 0; i < all.size(); i++) {
        assertThat(detection.explanations().get(i).explanation())
            .isEqualTo(all.get(i).explanation());
        if (all.get(i).round() > 0) {
          assertThat(all.get(i).revisedFrom()).as("revises the best so far").isEqualTo(best);
          revised++;
        }
        accuracy.add(balancedAccuracy(detection.explanations().get(i).excerpts()));
        assertThat(all.get(i).score("detection")).isEqualTo(accuracy.get(i));
        if (accuracy.get(i) != null && (best == null || accuracy.get(i) > accuracy.get(best))) {
          best = i;
        }
      }
      assertThat(rounds.best()).isEqualTo(best);
      assertThat(rounds.revisionRounds() == 2 || rounds.stopped() != null)
          .as("stops early only with a reason")
          .isTrue();
    }
    assertThat(revised).as("revisions written").isPositive();
    StringWriter out = new StringWriter();
    CommandLine rescore = Main.commandLine();
    rescore.setOut(new PrintWriter(out, true));
    rescore.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(rescore.execute("rescore", dir.resolve("runs/run-refine").toString()))
        .as(out.toString())
        .isZero();
    for (NeuronId n : neurons) {
      String key = RunRecords.runRoundsKey(spec.runId(), n);
      assertThat(ClassificationJson.readRounds(store.get(key).orElseThrow(), key).best())
          .as("rescore keeps the best of " + key)
          .isNotNull();
    }
  }

  /** Balanced accuracy from labels and answers alone; null unless both classes are present. */
  private static Double balancedAccuracy(List<ClassifiedExcerpt> excerpts) {
    double[] right = new double[2];
    double[] total = new double[2];
    for (ClassifiedExcerpt excerpt : excerpts) {
      int label = excerpt.label() ? 1 : 0;
      total[label]++;
      right[label] += excerpt.answer() == excerpt.label() ? 1 : 0;
    }
    if (total[0] == 0 || total[1] == 0) {
      return null;
    }
    return (right[0] / total[0] + right[1] / total[1]) / 2;
  }

  private List<NeuronId> run(RunSpec spec) throws Exception {
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
        c.runs().submit(spec);
        RunView view = PipelineIT.awaitFinished(c, spec.runId(), Duration.ofSeconds(120));
        assertThat(view.status().state())
            .as(String.valueOf(view.progress()))
            .isEqualTo(RunState.SUCCEEDED);
        assertThat(view.progress().states()).containsEntry("done", neurons.size());
      }
    }
    return neurons;
  }
}
