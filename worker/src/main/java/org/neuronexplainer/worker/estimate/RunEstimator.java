package org.neuronexplainer.worker.estimate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.run.Refinement;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.classify.ClassificationScorer;
import org.neuronexplainer.worker.classify.ClassifierSamples;
import org.neuronexplainer.worker.classify.ClassifierSettings;
import org.neuronexplainer.worker.classify.LlmClassifier;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.explain.LlmExplainer;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.ModelPrice;
import org.neuronexplainer.worker.llm.TokenEstimator;
import org.neuronexplainer.worker.llm.Tokenizer;
import org.neuronexplainer.worker.pipeline.LlmBackends;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.records.Split;
import org.neuronexplainer.worker.records.Splits;
import org.neuronexplainer.worker.simulate.SimulationProtocol;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * Counts what a run would send, neuron by neuron, from the very requests a worker would build
 * ({@link LlmBackends#explainer}, {@link LlmBackends#protocol}, and {@link LlmClassifier#requests}
 * on the neuron's {@link ClassifierSamples} for each classification scorer), sending nothing.
 * Explanation prompts are exact. Scoring prompts hold an explanation that does not exist before the
 * run: with the baseline explainer it is computed, so they are exact too; with a model-backed one
 * each of the {@code n} explanations a call asks for (k when the run's refinement sets it) is taken
 * to be {@link #assumedExplanation} of the explanation's {@code max_tokens} words, its longest.
 * Completion tokens are each call's {@code max_tokens × n}, the most it can be billed. Revision
 * rounds are given as a bound beside the count (docs/method.md 16.2): their prompts hold the
 * excerpts the scorers got wrong, which only the run finds out.
 */
public final class RunEstimator {

  private final LlmConfig config;
  private final int allAtOnceMaxTokens;

  /**
   * @param config the worker's LLM settings: the model when the spec names none, the tokenizer and
   *     the prices
   * @param allAtOnceMaxTokens the workers' {@code max_tokens} of all-at-once requests
   */
  public RunEstimator(LlmConfig config, int allAtOnceMaxTokens) {
    this.config = config;
    this.allAtOnceMaxTokens = allAtOnceMaxTokens;
  }

  /**
   * The explanation a simulation prompt is counted with when the explainer calls a model: {@code
   * tokens} words "x", one token each in OpenAI's encodings, as long as the explainer's completion
   * may be.
   */
  public static String assumedExplanation(int tokens) {
    return String.join(" ", Collections.nCopies(Math.max(1, tokens), "x"));
  }

  /**
   * A tally of {@code spec}'s neurons, with prompts built from {@code inputs}.
   *
   * @throws IllegalArgumentException when a backend name or setting is unknown
   */
  public Tally tally(RunSpec spec, PromptInputs inputs) {
    return new Tally(spec, inputs);
  }

  /** The counts of one run, added to neuron by neuron. Not thread-safe. */
  public final class Tally {
    private final String model;
    private final String simulatorModel;
    private final Explainer explainer;
    private final SimulationProtocol protocol;
    private final boolean calibrates;
    private final Refinement refinement;
    // Each classification scorer with the classifier that builds its requests; empty when the
    // run's classifications call no model (the baseline classifier).
    private final Map<ClassifierKind, ClassificationScorer> classifiers = new LinkedHashMap<>();
    private final LlmClassifier classifier;
    private final Counts explaining = new Counts();
    private final Counts simulating = new Counts();
    private final Map<ClassifierKind, Counts> classifying = new LinkedHashMap<>();
    // One revision round of every neuron: one explainer call and one explanation's scoring.
    private final Counts round = new Counts();
    private int neurons;
    private int assumedTokens = -1;
    private int explanationsPerNeuron = 1;

    private Tally(RunSpec spec, PromptInputs inputs) {
      ExplainerKind explainerKind = ExplainerKind.fromConfigName(spec.explainer());
      SimulatorKind simulatorKind = SimulatorKind.fromConfigName(spec.simulator());
      boolean llm = explainerKind.needsModel() || simulatorKind.needsModel();
      model = llm ? LlmBackends.model(spec, config) : null;
      simulatorModel = llm ? LlmBackends.simulatorModel(spec, config) : null;
      explainer =
          explainerKind.needsModel()
              ? LlmBackends.explainer(explainerKind, model, config, inputs)
              : explainerKind.create(null);
      protocol =
          simulatorKind.needsModel()
              ? LlmBackends.protocol(simulatorKind, simulatorModel, allAtOnceMaxTokens, inputs)
              : null;
      calibrates = !spec.calibration().trim().equalsIgnoreCase("none");
      refinement = spec.refinementOrNone();
      // As a worker builds them: the simulator's model and the run's texts, default settings.
      classifier =
          simulatorKind.needsModel()
              ? new LlmClassifier(
                  simulatorModel,
                  inputs.texts(),
                  LlmTransport.none(),
                  ClassifierSettings.forRun(spec))
              : null;
      for (ClassifierKind kind : spec.classifiers()) {
        classifying.put(kind, new Counts());
        if (classifier != null) {
          classifiers.put(
              kind,
              new ClassificationScorer(kind, ClassifierSettings.forRun(spec), SliceParams.paper()));
        }
      }
    }

    /** Adds one neuron's calls. */
    public void add(NeuronRecord record) {
      neurons++;
      List<String> explanations = explain(ExplainerInput.of(record));
      List<List<List<String>>> splits = protocol == null ? List.of() : splits(record);
      for (int i = 0; i < explanations.size(); i++) {
        Counts one = new Counts();
        score(record, explanations.get(i), splits, one);
        if (i == 0) {
          round.addAll(one);
        }
      }
    }

    /**
     * The neuron's explanations, counting the explainer's call: k of them when the refinement sets
     * k (one call asking for {@code n = k}), else the explainer's own number.
     */
    private List<String> explain(ExplainerInput input) {
      Integer k = refinement.explanations();
      if (explainer instanceof LlmExplainer llm) {
        ObjectNode body = llm.request(input).request().body().deepCopy();
        if (k != null) {
          body.put("n", k);
        }
        count(body, explaining);
        explanationsPerNeuron = Math.max(1, body.path("n").asInt(1));
        assumedTokens = body.path("max_tokens").asInt(body.path("max_completion_tokens").asInt(0));
        if (refinement.revisions() > 0) {
          count(body.deepCopy().put("n", 1), round);
        }
        return Collections.nCopies(explanationsPerNeuron, assumedExplanation(assumedTokens));
      }
      List<String> own =
          explainer.explain(input, LlmTransport.none()).toCompletableFuture().join().stream()
              .map(Explanation::text)
              .toList();
      if (k == null || own.isEmpty()) {
        return own;
      }
      // A model-free explainer asked for k gives its own explanations over again.
      List<String> cycled = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        cycled.add(own.get(i % own.size()));
      }
      return cycled;
    }

    // Split by split, as the scorer simulates them (a multi-sequence simulator groups each).
    private List<List<List<String>>> splits(NeuronRecord record) {
      List<List<List<String>>> splits = new ArrayList<>();
      if (calibrates) {
        splits.add(tokens(Splits.records(record, Split.CALIBRATION, SliceParams.paper())));
      }
      splits.add(tokens(Splits.records(record, Split.VALID, SliceParams.paper())));
      return splits;
    }

    /** One explanation's scoring by every scorer, into the scorers' counts and {@code into}. */
    private void score(
        NeuronRecord record, String explanation, List<List<List<String>>> splits, Counts into) {
      for (List<List<String>> split : splits) {
        for (LlmRequest request : protocol.requestsForAll(explanation, split)) {
          count(request.body(), simulating);
          count(request.body(), into);
        }
      }
      for (Map.Entry<ClassifierKind, ClassificationScorer> entry : classifiers.entrySet()) {
        ClassifierKind kind = entry.getKey();
        for (LlmRequest request :
            classifier.requests(kind, explanation, entry.getValue().sample(record))) {
          count(request.body(), classifying.get(kind));
          count(request.body(), into);
        }
      }
    }

    private static List<List<String>> tokens(List<ActivationRecord> records) {
      return records.stream().map(ActivationRecord::tokens).toList();
    }

    private void count(JsonNode body, Counts into) {
      String sentTo = body.path("model").asText(model);
      long prompt = config.tokenizerFor(sentTo).promptTokens(body);
      into.add(sentTo, prompt, TokenEstimator.completionAllowance(body));
    }

    private Counts total() {
      Counts total = new Counts();
      total.addAll(explaining);
      total.addAll(simulating);
      classifying.values().forEach(total::addAll);
      return total;
    }

    /** The counts so far, priced with the configuration's price for the model. */
    public RunEstimate result() {
      Optional<ModelPrice> price = config.prices().lookup(model);
      Tokenizer tokenizer = model == null ? null : config.tokenizerFor(model);
      boolean scored = protocol != null || !classifiers.isEmpty();
      boolean assumed = assumedTokens >= 0 && scored;
      Counts total = total();
      List<RunEstimate.Scorer> scorers = new ArrayList<>();
      scorers.add(scorer(RunSpec.SIMULATION, simulating));
      classifying.forEach((kind, counts) -> scorers.add(scorer(kind.wireName(), counts)));
      return new RunEstimate(
          neurons,
          total.calls(),
          explaining.calls(),
          simulating.calls(),
          total.promptTokens(),
          total.completionTokens(),
          model,
          tokenizer == null ? null : tokenizer.configName(),
          !assumed && (tokenizer == null || tokenizer.exact()),
          model == null ? Double.valueOf(0) : total.cost(config.prices(), false),
          model == null ? Double.valueOf(0) : total.cost(config.prices(), true),
          assumptions(tokenizer, price, assumed),
          scorers,
          revisions());
    }

    private static RunEstimate.Scorer scorer(String name, Counts counts) {
      return new RunEstimate.Scorer(
          name, counts.calls(), counts.promptTokens(), counts.completionTokens());
    }

    private RunEstimate.Revisions revisions() {
      int rounds = refinement.revisions();
      if (rounds == 0) {
        return null;
      }
      Double cost = model == null ? Double.valueOf(0) : round.cost(config.prices(), false);
      return new RunEstimate.Revisions(
          rounds,
          round.calls(),
          round.promptTokens(),
          round.completionTokens(),
          cost == null ? null : cost * rounds);
    }

    private List<String> assumptions(
        Tokenizer tokenizer, Optional<ModelPrice> price, boolean assumed) {
      List<String> assumptions = new ArrayList<>();
      if (model == null) {
        assumptions.add("the baseline explainer and simulator call no model: nothing to pay");
      }
      if (assumed) {
        assumptions.add(
            String.format(
                Locale.ROOT,
                "each neuron's %d explanations are scored, and each is taken to be %d tokens"
                    + " long (the explanation call's max_tokens, its longest) in the simulation"
                    + " and classification prompts",
                explanationsPerNeuron,
                assumedTokens));
      }
      if (refinement.explanations() != null && explainer instanceof LlmExplainer) {
        assumptions.add(
            "the "
                + refinement.explanations()
                + " explanations of a neuron come from one explainer call asking for n = "
                + refinement.explanations());
      }
      if (refinement.revisions() > 0) {
        assumptions.add(
            "revision rounds are not in the totals: up to "
                + refinement.revisions()
                + " rounds a neuron, each about one explanation's scoring plus one explainer call"
                + " (the revision prompt adds the best explanation and the excerpts the scorers got"
                + " wrong, which only the run finds out); a round that finds nothing to revise"
                + " costs nothing");
      }
      if (model != null) {
        assumptions.add(
            "completion tokens are each call's max_tokens × n, the most it can be billed;"
                + " no answer is asked for again (an unparsable answer costs a call more) and"
                + " nothing is served by the response cache or the provider's prompt cache");
      }
      if (tokenizer != null && !tokenizer.exact()) {
        assumptions.add("prompt tokens are estimated at 4 characters a token (LLM_TOKENIZER)");
      }
      if (model != null && price.isEmpty()) {
        assumptions.add("the model " + model + " has no price in LLM_PRICES: no cost is given");
      }
      if (protocol != null && !simulatorModel.equals(model)) {
        assumptions.add(
            (classifiers.isEmpty() ? "simulation calls go to " : "scoring calls go to ")
                + simulatorModel
                + (config.prices().lookup(simulatorModel).isPresent()
                    ? ", at its own price"
                    : ", which has no price in LLM_PRICES: no cost is given"));
      }
      return assumptions;
    }
  }
}
