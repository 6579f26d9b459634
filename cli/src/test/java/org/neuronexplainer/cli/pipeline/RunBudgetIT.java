package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.runs.RunConflictException;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * A priced LLM run (token-activation-pair + json) against a scripted endpoint on loopback, with a
 * budget a small part of what its dry run prices: it pauses part way with every finished neuron
 * kept and none failed, refuses a resume without a higher budget, and finishes when resumed with
 * one.
 */
class RunBudgetIT {

  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  @TempDir Path dir;

  @Test
  void aBudgetPausesTheRunPartWayAndAResumeWithAHigherOneFinishesIt() throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    List<NeuronId> neurons = SyntheticNeurons.write(store, 16);
    try (ScriptedLlmServer llm = new ScriptedLlmServer()) {
      llm.otherwise(new ScriptedModel());
      Map<String, String> env = PipelineIT.env(BROKER, dir, "budget.");
      env.put("LLM_BASE_URL", llm.root() + "/v1");
      env.put("LLM_MODEL", "m");
      env.put("LLM_PRICES", "m=1:2");
      // One neuron at a time, so that the budget is spent neuron after neuron: with many in
      // flight it is shared by all of them, and may run out before any finishes.
      env.put("WORKER_RUNNERS", "1");
      env.put("WORKER_MAX_IN_FLIGHT", "1");
      LlmConfig llmConfig = LlmConfig.fromEnv(env);
      RunSpec unlimited = spec(null);
      RunEstimate estimate =
          DryRun.estimate(unlimited, PromptInputs.defaults(), store, llmConfig, 0, System.err);
      assertThat(estimate.neurons()).isEqualTo(16);
      assertThat(llm.requests()).as("a dry run sends nothing").isEmpty();
      // The prompt tokens are exact and cost $1 a million: half their price pays for some
      // neurons, never for all 16. (The dry run's price is an upper bound, each completion at its
      // max_tokens.)
      double budget = estimate.promptTokens() / 1e6 / 2;
      try (MetricsSetup metrics = new MetricsSetup();
          Coordinator c = PipelineIT.coordinator(env, store, metrics);
          Worker w =
              Worker.startWithLlm(
                  WorkerConfig.fromEnv(env, KafkaConfig.fromEnv(env)),
                  llmConfig,
                  store,
                  metrics,
                  PipelineIT.FAST_RETRIES)) {
        c.runs().submit(spec(budget));
        RunView paused = PipelineIT.awaitFinished(c, "run-budget", Duration.ofSeconds(90));
        assertThat(paused.status().state()).isEqualTo(RunState.PAUSED);
        assertThat(paused.status().reason()).startsWith("budget of $");
        assertThat(paused.progress().states().get("failed")).isZero();
        int done = paused.progress().states().get("done");
        assertThat(done).isBetween(1, 15);
        assertThat(paused.progress().costUsd()).isPositive().isLessThanOrEqualTo(budget);
        // Every finished neuron kept its result; the others have none.
        RunRecords records = new RunRecords(store);
        long marked = neurons.stream().filter(n -> records.doneExists("run-budget", n)).count();
        assertThat(marked).isGreaterThanOrEqualTo(done);

        assertThatThrownBy(() -> c.runs().resume("run-budget"))
            .isInstanceOf(RunConflictException.class)
            .hasMessageContaining("resume it with a budget above");

        c.runs().resume("run-budget", estimate.costUsd() * 2);
        RunView finished = PipelineIT.awaitFinished(c, "run-budget", Duration.ofSeconds(90));
        assertThat(finished.status().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(finished.progress().states().get("done")).isEqualTo(16);
        assertThat(finished.status().budgetUsd()).isEqualTo(estimate.costUsd() * 2);
        assertThat(finished.progress().costUsd())
            .isGreaterThan(paused.progress().costUsd())
            .isLessThanOrEqualTo(estimate.costUsd());
      }
    }
  }

  private static RunSpec spec(Double budget) {
    return new RunSpec(
            "run-budget", "store", null, null, "token-activation-pair", "json", "linear", "m", 2)
        .withBudget(budget);
  }
}
