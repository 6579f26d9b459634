package org.neuronexplainer.worker.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.llm.UsageTotals;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.simulate.SimulatorKind;

/**
 * Prompt tokens spent per scored explanation, for each simulator, on the shipped example neuron
 * with the paper's settings (5 records per split, linear calibration: 20 simulated sequences). The
 * explanation and its scoring run through {@link LlmClient} against the scripted server, whose
 * {@code usage} reports each request's exact count in its model's encoding (cl100k_base for the
 * model name used here). Run with {@code mvn -pl common,worker -am test
 * -Dtest=PromptTokensBenchmark -Dgroups=benchmark -DexcludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class PromptTokensBenchmark {
  private static final Path EXAMPLE =
      Path.of("..", "examples", "collated-activations", "6", "1017.json");

  @Test
  void promptTokensPerScoredExplanation() throws Exception {
    NeuronRecord neuron = DatasetJson.read(EXAMPLE, NeuronRecord.class);
    System.out.printf(
        "%-14s %6s %14s %14s %12s%n",
        "simulator", "calls", "prompt tokens", "of which sim.", "completion");
    for (SimulatorKind kind :
        new SimulatorKind[] {
          SimulatorKind.ALL_AT_ONCE,
          SimulatorKind.ONE_AT_A_TIME,
          SimulatorKind.JSON,
          SimulatorKind.LINE
        }) {
      try (ScriptedLlmServer server = new ScriptedLlmServer().otherwise(new ScriptedModel());
          LlmClient client =
              LlmClient.builder(
                      LlmConfig.fromEnv(
                          Map.of("LLM_BASE_URL", server.root() + "/v1", "LLM_MODEL", "m")))
                  .build()) {
        ClientTransport explainer = ClientTransport.forNeuron(client);
        ClientTransport simulator = ClientTransport.forNeuron(client);
        new ExplainAndScore(
                ExplainerKind.TOKEN_ACTIVATION_PAIR.create(
                    ExplainerSettings.defaults("m", PromptFormat.CHAT).withSamples(1)),
                kind.create("m", simulator),
                NeuronScorer.paper())
            .run(ExplainerInput.of(neuron), explainer)
            .toCompletableFuture()
            .join();
        UsageTotals all = client.usage().snapshot();
        UsageTotals simulated = simulator.account().snapshot();
        assertThat(simulated.calls()).isGreaterThanOrEqualTo(20);
        System.out.printf(
            Locale.ROOT,
            "%-14s %6d %14d %14d %12d%n",
            kind.configName(),
            all.calls(),
            all.promptTokens(),
            simulated.promptTokens(),
            all.completionTokens());
      }
    }
  }
}
