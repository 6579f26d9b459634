package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.llm.LlmCallListener;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.pipeline.ExplainAndScoreHandler;
import org.neuronexplainer.worker.pipeline.LlmClients;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * A worker whose simulator has an endpoint of its own: explanation calls go to the explainer's
 * server, simulation calls to the simulator's, and the neuron's usage and cost sum both.
 */
class SimulatorEndpointTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A scripted model that also sums the usage it reports, as a provider's bill would. */
  private static final class Billed
      implements Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> {
    private final ScriptedModel model = new ScriptedModel();
    final AtomicLong prompt = new AtomicLong();
    final AtomicLong completion = new AtomicLong();

    @Override
    public ScriptedLlmServer.Reply apply(ScriptedLlmServer.Seen seen) {
      ScriptedLlmServer.Reply reply = model.apply(seen);
      try {
        JsonNode usage = JSON.readTree(reply.body()).path("usage");
        prompt.addAndGet(usage.path("prompt_tokens").asLong());
        completion.addAndGet(usage.path("completion_tokens").asLong());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return reply;
    }
  }

  @Test
  void explanationsAndSimulationsGoToTheirOwnEndpointsAndTheNeuronPaysForBoth() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    NeuronId neuron = SyntheticNeurons.write(store, 1).get(0);
    RunRecords records = new RunRecords(store);
    records.putSpec(
        new RunSpec(
                "run-1",
                "store",
                null,
                null,
                "token-activation-pair",
                "all-at-once",
                "linear",
                "gpt-4o",
                1)
            .withSimulatorModel("gpt-4o-mini"));
    Billed explaining = new Billed();
    Billed simulating = new Billed();
    try (ScriptedLlmServer explainerServer = new ScriptedLlmServer().otherwise(explaining);
        ScriptedLlmServer simulatorServer = new ScriptedLlmServer().otherwise(simulating);
        LlmClients clients =
            LlmClients.open(
                LlmConfig.fromEnv(
                    Map.of(
                        "LLM_BASE_URL", explainerServer.root() + "/v1",
                        "LLM_MODEL", "gpt-4o",
                        "LLM_PRICES", "gpt-4o=2.5:10,gpt-4o-mini=0.15:0.6",
                        "LLM_SIMULATOR_BASE_URL", simulatorServer.root() + "/v1",
                        "LLM_SIMULATOR_MODEL", "gpt-4o-mini")),
                store,
                LlmCallListener.NONE)) {
      ExplainAndScoreHandler handler =
          new ExplainAndScoreHandler(
              records,
              new StoreNeuronRecords(store),
              clients.backends(spec -> PromptInputs.defaults(), 1),
              Duration.ofMinutes(1));

      JobMetrics metrics =
          handler.run(
              new ExplainAndScoreJob(
                  JobHeader.first("run-1", 1), neuron, RunRecords.recordKey(neuron)));

      assertThat(explainerServer.requests())
          .isNotEmpty()
          .allSatisfy(seen -> assertThat(seen.pathAndQuery()).endsWith("/chat/completions"))
          .allSatisfy(seen -> assertThat(seen.body()).contains("\"model\":\"gpt-4o\""));
      assertThat(simulatorServer.requests())
          .hasSizeGreaterThan(1)
          .allSatisfy(seen -> assertThat(seen.pathAndQuery()).endsWith("/v1/completions"))
          .allSatisfy(seen -> assertThat(seen.body()).contains("\"model\":\"gpt-4o-mini\""));
      assertThat(metrics.score()).isNotNull();
      assertThat(metrics.promptTokens())
          .isEqualTo(explaining.prompt.get() + simulating.prompt.get());
      assertThat(metrics.completionTokens())
          .isEqualTo(explaining.completion.get() + simulating.completion.get());
      // Each endpoint's tokens at its own model's price, per million tokens.
      double expected =
          (explaining.prompt.get() * 2.5 + explaining.completion.get() * 10.0) / 1e6
              + (simulating.prompt.get() * 0.15 + simulating.completion.get() * 0.6) / 1e6;
      assertThat(metrics.costUsd()).isCloseTo(expected, within(1e-9));
      assertThat(clients.explainer().usage().snapshot().promptTokens())
          .isEqualTo(metrics.promptTokens());
    }
  }
}
