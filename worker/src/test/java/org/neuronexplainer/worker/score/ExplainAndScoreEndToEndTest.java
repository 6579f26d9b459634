package org.neuronexplainer.worker.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
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
import org.neuronexplainer.worker.simulate.SimulationParseException;
import org.neuronexplainer.worker.simulate.SimulatorKind;

/**
 * One neuron (the shipped example) explained, simulated and scored through {@link LlmClient}
 * against an OpenAI-compatible server on loopback, for every model-backed simulator.
 */
class ExplainAndScoreEndToEndTest {
  private static final Path EXAMPLE =
      Path.of("..", "examples", "collated-activations", "6", "1017.json");

  @TempDir Path cacheDir;
  private ScriptedLlmServer server;
  private NeuronRecord neuron;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedLlmServer().otherwise(new ScriptedModel());
    neuron = DatasetJson.read(EXAMPLE, NeuronRecord.class);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmClient client(boolean cache) {
    LlmConfig config =
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL", server.root() + "/v1",
                "LLM_MODEL", "m",
                "LLM_RETRY_INITIAL_MS", "10",
                "LLM_PRICES", "m=1:2"));
    LlmClient.Builder builder = LlmClient.builder(config);
    return (cache ? builder.cache(new LocalDirectoryStore(cacheDir)) : builder).build();
  }

  private record Run(ExplainAndScore.Outcome outcome, UsageTotals usage) {}

  private Run run(LlmClient client, SimulatorKind simulator, int samples) {
    ClientTransport transport = ClientTransport.forNeuron(client);
    ExplainAndScore pipeline =
        new ExplainAndScore(
            ExplainerKind.TOKEN_ACTIVATION_PAIR.create(
                ExplainerSettings.defaults("m", PromptFormat.CHAT).withSamples(samples)),
            simulator.create("m", transport),
            NeuronScorer.paper());
    ExplainAndScore.Outcome outcome =
        pipeline.run(ExplainerInput.of(neuron), transport).toCompletableFuture().join();
    return new Run(outcome, transport.account().snapshot());
  }

  private static void assertWellScored(ExplainAndScore.Outcome outcome, int explanations) {
    assertThat(outcome.results().neuronId()).isEqualTo(outcome.results().neuronId());
    assertThat(outcome.results().scoredExplanations()).hasSize(explanations);
    for (ScoredExplanation scored : outcome.results().scoredExplanations()) {
      // Stored as the model wrote it, as the original does.
      assertThat(ScriptedModel.EXPLANATIONS).contains(scored.explanation());
      assertThat(scored.scoredSimulation().scoredSequenceSimulations()).hasSize(10);
      assertThat(scored.score()).isGreaterThan(0.9);
    }
  }

  @Test
  void tokenActivationPairWithAllAtOnceOverEchoedLogprobs() {
    try (LlmClient client = client(false)) {
      Run run = run(client, SimulatorKind.ALL_AT_ONCE, 2);

      assertWellScored(run.outcome(), 2);
      // One explainer call, then calibration and valid split: 20 sequences per explanation.
      assertThat(server.requests()).hasSize(1 + 2 * 20);
      assertThat(server.requests().get(1).pathAndQuery()).isEqualTo("/v1/completions");
      assertThat(run.usage().calls()).isEqualTo(41);
      assertThat(run.usage().promptTokens()).isPositive();
      assertThat(run.usage().costUsd()).isPositive();
    }
  }

  @Test
  void oneAtATimeOverChatTopLogprobs() {
    try (LlmClient client = client(false)) {
      Run run = run(client, SimulatorKind.ONE_AT_A_TIME, 1);

      assertWellScored(run.outcome(), 1);
      // One call per token of the 20 simulated sequences.
      assertThat(server.requests()).hasSizeGreaterThan(20 * 14);
      assertThat(server.requests()).allMatch(s -> s.pathAndQuery().equals("/v1/chat/completions"));
    }
  }

  @Test
  void jsonOverChat() {
    try (LlmClient client = client(false)) {
      assertWellScored(run(client, SimulatorKind.JSON, 1).outcome(), 1);
      assertThat(server.requests()).hasSize(1 + 20);
    }
  }

  @Test
  void jsonMultiSimulatesFiveSequencesPerCallAndScoresAsJsonDoes() {
    try (LlmClient client = client(false)) {
      ExplainAndScore.Outcome single = run(client, SimulatorKind.JSON, 1).outcome();
      int before = server.requests().size();
      Run multi = run(client, SimulatorKind.JSON_MULTI, 1);

      assertWellScored(multi.outcome(), 1);
      // One explainer call, then each split of 10 sequences in two calls of 5.
      assertThat(server.requests().size() - before).isEqualTo(1 + 4);
      assertThat(multi.usage().calls()).isEqualTo(5);
      // The scripted model predicts each token alike either way, so the scores are the same.
      assertThat(multi.outcome().results()).isEqualTo(single.results());
    }
  }

  @Test
  void jsonMultiGarbageIsRetriedPerGroupThenFailsTheNeuron() {
    ScriptedModel model = new ScriptedModel();
    server.otherwise(
        seen ->
            seen.body().contains("Explanation of neuron")
                ? model.apply(seen)
                : ScriptedLlmServer.Reply.json(
                    200,
                    "{\"choices\":[{\"message\":{\"content\":"
                        + "\"{\\\"documents\\\": []}\"}}]}"));
    try (LlmClient client = client(false)) {
      assertThatThrownBy(() -> run(client, SimulatorKind.JSON_MULTI, 1))
          .hasRootCauseInstanceOf(SimulationParseException.class)
          .hasStackTraceContaining("0 documents for 5 sequences");
      // Both groups of the calibration split were asked for three times.
      assertThat(server.requests().size() - 1).isEqualTo(3 * 2);
    }
  }

  @Test
  void lineProtocolOverChat() {
    try (LlmClient client = client(false)) {
      assertWellScored(run(client, SimulatorKind.LINE, 1).outcome(), 1);
      assertThat(server.requests()).hasSize(1 + 20);
      assertThat(server.requests()).allMatch(s -> s.pathAndQuery().equals("/v1/chat/completions"));
    }
  }

  @Test
  void aSecondRunWithTheCacheMakesNoHttpCall() {
    ExplainAndScore.Outcome first;
    try (LlmClient client = client(true)) {
      first = run(client, SimulatorKind.JSON, 1).outcome();
    }
    int calls = server.requests().size();
    try (LlmClient client = client(true)) {
      Run second = run(client, SimulatorKind.JSON, 1);

      assertThat(server.requests()).hasSize(calls);
      assertThat(second.usage().cacheHits()).isEqualTo(second.usage().calls()).isEqualTo(calls);
      assertThat(second.usage().costUsd()).isZero();
      assertThat(second.outcome().results()).isEqualTo(first.results());
    }
  }

  @Test
  void garbageIsRetriedThenFailsTheNeuronInsteadOfScoringZeros() {
    ScriptedModel model = new ScriptedModel();
    server.otherwise(
        seen ->
            seen.body().contains("Explanation of neuron")
                ? model.apply(seen)
                : ScriptedLlmServer.Reply.json(
                    200, "{\"choices\":[{\"message\":{\"content\":\"all zeros\"}}]}"));
    try (LlmClient client = client(false)) {
      assertThatThrownBy(() -> run(client, SimulatorKind.JSON, 1))
          .hasRootCauseInstanceOf(SimulationParseException.class);
      // Each sequence of the calibration split was asked for three times; the neuron failed
      // there, before its valid split was simulated.
      assertThat(server.requests().size() - 1).isEqualTo(3 * 10);
    }
  }

  @Test
  void a429WithRetryAfterInsideTheRunIsWaitedOut() {
    server.then(
        ScriptedLlmServer.Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}")
            .header("Retry-After", "1"));
    try (LlmClient client = client(false)) {
      long start = System.nanoTime();
      Run run = run(client, SimulatorKind.JSON, 1);

      assertWellScored(run.outcome(), 1);
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(900_000_000L);
      assertThat(server.requests()).hasSize(1 + 1 + 20);
      assertThat(run.usage().httpAttempts()).isEqualTo(22);
    }
  }
}
