package org.neuronexplainer.worker.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.worker.TestNeurons;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.llm.Tokenizer;
import org.neuronexplainer.worker.llm.UsageTotals;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.revise.Disagreements;
import org.neuronexplainer.worker.revise.LlmReviser;
import org.neuronexplainer.worker.revise.Revision;
import org.neuronexplainer.worker.score.NeuronScorer;
import org.neuronexplainer.worker.simulate.SimulatorKind;

/**
 * Calls, prompt tokens and completion tokens per neuron of the explainer, of simulation scoring and
 * of each classification scorer, for one explanation, against the scripted server: {@link
 * ScriptedModel} reports each request's exact prompt tokens (cl100k_base for the model name used
 * here) and the completions are recounted exactly in the same encoding. Each line goes through a
 * transport of its own, so each is measured on its own account; the baseline backends' line
 * measures that they call nothing. Revision rounds are bounded from these lines (an explainer call
 * asking for one explanation plus one explanation's scoring). Counts, not timings. Run with {@code
 * mvn -B -o -q -pl common,worker -am test -Dtest=ScorersBenchmark -Dgroups=benchmark
 * -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class ScorersBenchmark {
  private static final Path EXAMPLE =
      Path.of("..", "examples", "collated-activations", "6", "1017.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void callsAndTokensPerNeuronForEachScorer() throws Exception {
    try (ScriptedLlmServer server = new ScriptedLlmServer().otherwise(new ExactCompletions());
        LlmClient client =
            LlmClient.builder(
                    LlmConfig.fromEnv(
                        Map.of("LLM_BASE_URL", server.root() + "/v1", "LLM_MODEL", "m")))
                .build();
        LlmClient fresh =
            LlmClient.builder(
                    LlmConfig.fromEnv(
                        Map.of("LLM_BASE_URL", server.root() + "/v1", "LLM_MODEL", "m")))
                .build()) {
      report(client, fresh, "synthetic Canada neuron (TestNeurons.canada)", TestNeurons.canada());
      report(client, fresh, "synthetic days neuron (DayNeuron)", DayNeuron.neuron());
      report(
          client,
          fresh,
          "examples/collated-activations/6/1017.json",
          DatasetJson.read(EXAMPLE, NeuronRecord.class));
    }
  }

  /**
   * @param fresh a second client on the same server, for the line that repeats a call of another
   */
  private static void report(LlmClient client, LlmClient fresh, String title, NeuronRecord neuron) {
    System.out.printf("%n%s%n", title);
    System.out.printf(
        "%-42s %8s %6s %8s %11s%n", "line", "excerpts", "calls", "prompt", "completion");
    ExplainerInput input = ExplainerInput.of(neuron);
    ExplainerSettings settings = ExplainerSettings.defaults("m", PromptFormat.CHAT);
    List<String> explanations = new ArrayList<>();
    line(
        client,
        "explainer (n = 5, the default)",
        "",
        t ->
            explanations.addAll(
                explain(ExplainerKind.TOKEN_ACTIVATION_PAIR.create(settings), input, t)));
    line(
        client,
        "explainer (n = 1)",
        "",
        t ->
            explain(ExplainerKind.TOKEN_ACTIVATION_PAIR.create(settings.withSamples(1)), input, t));
    String explanation = explanations.get(0);
    List<ScoredExplanation> simulated = new ArrayList<>();
    for (SimulatorKind kind : List.of(SimulatorKind.ALL_AT_ONCE, SimulatorKind.JSON_MULTI)) {
      line(
          client,
          "simulation, " + kind.configName(),
          "",
          t ->
              simulated.add(
                  NeuronScorer.paper()
                      .score(neuron, explanation, kind.create("m", t))
                      .toCompletableFuture()
                      .join()));
    }
    Map<ClassifierKind, ClassifiedExplanation> judged = new EnumMap<>(ClassifierKind.class);
    ClassifierSettings defaults = ClassifierSettings.defaults();
    for (int perCall : List.of(10, 5, 20)) {
      for (ClassifierKind kind : ClassifierKind.values()) {
        ClassifierSettings classifying = defaults.withExcerptsPerCall(perCall);
        ClassificationScorer scorer =
            new ClassificationScorer(kind, classifying, SliceParams.paper());
        line(
            client,
            kind.wireName()
                + ", "
                + perCall
                + " a call"
                + (perCall == defaults.excerptsPerCall() ? " (default), logprobs" : ""),
            Integer.toString(scorer.sample(neuron).size()),
            t -> {
              ClassifiedExplanation scored =
                  scorer
                      .score(neuron, explanation, new LlmClassifier("m", t, classifying))
                      .toCompletableFuture()
                      .join();
              assertThat(scored.excerpts()).hasSize(scorer.sample(neuron).size());
              if (perCall == defaults.excerptsPerCall()) {
                judged.put(kind, scored);
              }
            });
      }
    }
    // A revision round: the reviser's call, shown the all-at-once simulation's and the default
    // classifiers' wrong excerpts, then the revised explanation scored by all three scorers.
    Disagreements wrong = Disagreements.of(neuron, simulated.get(0).scoredSimulation(), judged);
    Revision revision = new Revision(input, explanation, wrong.missed(), wrong.falseAlarms());
    LlmReviser reviser = new LlmReviser(settings.withSamples(1));
    line(
        client,
        "reviser (" + wrong.missed().size() + " missed, " + wrong.falseAlarms().size() + " false)",
        "",
        t -> reviser.revise(revision, t).toCompletableFuture().join());
    // Its own client, whose cache has not seen the reviser's call above.
    line(
        fresh,
        "revision round: reviser + all three scorers",
        "",
        t -> {
          String text = reviser.revise(revision, t).toCompletableFuture().join().text();
          NeuronScorer.paper()
              .score(neuron, text, SimulatorKind.ALL_AT_ONCE.create("m", t))
              .toCompletableFuture()
              .join();
          for (ClassifierKind kind : ClassifierKind.values()) {
            new ClassificationScorer(kind, defaults, SliceParams.paper())
                .score(neuron, text, new LlmClassifier("m", t, defaults))
                .toCompletableFuture()
                .join();
          }
        });
    line(
        client,
        "baseline explainer, simulator, classifier",
        "",
        t -> {
          String own = explain(ExplainerKind.BASELINE.create(null), input, t).get(0);
          NeuronScorer.paper()
              .score(neuron, own, SimulatorKind.BASELINE.create((String) null, t))
              .toCompletableFuture()
              .join();
          for (ClassifierKind kind : ClassifierKind.values()) {
            new ClassificationScorer(kind, defaults, SliceParams.paper())
                .score(neuron, own, new BaselineClassifier())
                .toCompletableFuture()
                .join();
          }
        });
  }

  private static List<String> explain(
      Explainer explainer, ExplainerInput input, ClientTransport t) {
    return explainer.explain(input, t).toCompletableFuture().join().stream()
        .map(Explanation::text)
        .toList();
  }

  /** Runs {@code work} on a transport of its own and prints what its account counted. */
  private static void line(
      LlmClient client, String name, String excerpts, Consumer<ClientTransport> work) {
    ClientTransport transport = ClientTransport.forNeuron(client);
    work.accept(transport);
    UsageTotals usage = transport.account().snapshot();
    assertThat(usage.failures()).isZero();
    assertThat(usage.cacheHits()).isZero();
    System.out.printf(
        Locale.ROOT,
        "%-42s %8s %6d %8d %11d%n",
        name,
        excerpts,
        usage.calls(),
        usage.promptTokens(),
        usage.completionTokens());
  }

  /**
   * The scripted model with each answer's completion tokens recounted exactly in the model's
   * encoding (the scripted model estimates them); an echo generates nothing.
   */
  private static final class ExactCompletions
      implements Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> {
    private final ScriptedModel model = new ScriptedModel();

    @Override
    public ScriptedLlmServer.Reply apply(ScriptedLlmServer.Seen request) {
      ScriptedLlmServer.Reply reply = model.apply(request);
      try {
        JsonNode body = JSON.readTree(request.body());
        Tokenizer tokenizer = Tokenizer.forModel(body.path("model").asText());
        ObjectNode answer = (ObjectNode) JSON.readTree(reply.body());
        long completion = 0;
        if (!body.path("echo").asBoolean()) {
          for (JsonNode choice : answer.path("choices")) {
            JsonNode text =
                choice.has("message") ? choice.at("/message/content") : choice.get("text");
            completion += tokenizer.textTokens(text.asText());
          }
        }
        ObjectNode usage = (ObjectNode) answer.get("usage");
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", usage.path("prompt_tokens").asLong() + completion);
        return ScriptedLlmServer.Reply.json(reply.status(), answer.toString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
