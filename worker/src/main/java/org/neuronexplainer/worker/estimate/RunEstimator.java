package org.neuronexplainer.worker.estimate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunSpec;
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
 * ({@link LlmBackends#explainer} and {@link LlmBackends#protocol}), sending nothing. Explanation
 * prompts are exact. Simulation prompts hold an explanation that does not exist before the run:
 * with the baseline explainer it is computed, so they are exact too; with a model-backed one each
 * of the {@code n} explanations a call asks for is taken to be {@link #assumedExplanation} of the
 * explanation's {@code max_tokens} words, its longest. Completion tokens are each call's {@code
 * max_tokens × n}, the most it can be billed.
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
    private final ExplainerKind explainerKind;
    private final SimulatorKind simulatorKind;
    private final String model;
    private final String simulatorModel;
    // Prompt and completion tokens by the model that is sent them, each priced at its own rate.
    private final Map<String, long[]> tokensByModel = new LinkedHashMap<>();
    private final Explainer explainer;
    private final SimulationProtocol protocol;
    private final boolean calibrates;
    private int neurons;
    private long explanationCalls;
    private long simulationCalls;
    private long promptTokens;
    private long completionTokens;
    private int assumedTokens = -1;
    private int explanationsPerNeuron = 1;

    private Tally(RunSpec spec, PromptInputs inputs) {
      explainerKind = ExplainerKind.fromConfigName(spec.explainer());
      simulatorKind = SimulatorKind.fromConfigName(spec.simulator());
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
    }

    /** Adds one neuron's calls. */
    public void add(NeuronRecord record) {
      neurons++;
      ExplainerInput input = ExplainerInput.of(record);
      List<String> explanations;
      if (explainer instanceof LlmExplainer llm) {
        LlmRequest request = llm.request(input).request();
        count(request);
        explanationCalls++;
        JsonNode body = request.body();
        explanationsPerNeuron = Math.max(1, body.path("n").asInt(1));
        assumedTokens = body.path("max_tokens").asInt(body.path("max_completion_tokens").asInt(0));
        explanations =
            Collections.nCopies(explanationsPerNeuron, assumedExplanation(assumedTokens));
      } else {
        explanations =
            explainer.explain(input, LlmTransport.none()).toCompletableFuture().join().stream()
                .map(Explanation::text)
                .toList();
      }
      if (protocol == null) {
        return;
      }
      // Split by split, as the scorer simulates them (a multi-sequence simulator groups each).
      List<List<List<String>>> splits = new ArrayList<>();
      if (calibrates) {
        splits.add(tokens(Splits.records(record, Split.CALIBRATION, SliceParams.paper())));
      }
      splits.add(tokens(Splits.records(record, Split.VALID, SliceParams.paper())));
      for (String explanation : explanations) {
        for (List<List<String>> split : splits) {
          for (LlmRequest request : protocol.requestsForAll(explanation, split)) {
            count(request);
            simulationCalls++;
          }
        }
      }
    }

    private static List<List<String>> tokens(List<ActivationRecord> records) {
      return records.stream().map(ActivationRecord::tokens).toList();
    }

    private void count(LlmRequest request) {
      JsonNode body = request.body();
      Tokenizer tokenizer = tokenizer(body);
      long prompt = tokenizer.promptTokens(body);
      long completion = TokenEstimator.completionAllowance(body);
      promptTokens += prompt;
      completionTokens += completion;
      long[] sum =
          tokensByModel.computeIfAbsent(body.path("model").asText(model), m -> new long[2]);
      sum[0] += prompt;
      sum[1] += completion;
    }

    // The sum of every model's cost; null when one of them has no price.
    private Double cost(boolean batch) {
      double cost = 0;
      for (Map.Entry<String, long[]> entry : tokensByModel.entrySet()) {
        Optional<ModelPrice> price = config.prices().lookup(entry.getKey());
        if (price.isEmpty()) {
          return null;
        }
        long[] sum = entry.getValue();
        cost += batch ? price.get().batchCost(sum[0], sum[1]) : price.get().cost(sum[0], sum[1]);
      }
      return cost;
    }

    private Tokenizer tokenizer(JsonNode body) {
      return config.tokenizerFor(body.path("model").asText(model));
    }

    /** The counts so far, priced with the configuration's price for the model. */
    public RunEstimate result() {
      Optional<ModelPrice> price = config.prices().lookup(model);
      Tokenizer tokenizer = model == null ? null : config.tokenizerFor(model);
      List<String> assumptions = new ArrayList<>();
      boolean assumed = assumedTokens >= 0 && protocol != null;
      if (model == null) {
        assumptions.add("the baseline explainer and simulator call no model: nothing to pay");
      }
      if (assumed) {
        assumptions.add(
            String.format(
                Locale.ROOT,
                "each neuron's %d explanations are scored, and each is taken to be %d tokens"
                    + " long (the explanation call's max_tokens, its longest) in the simulation"
                    + " prompts",
                explanationsPerNeuron,
                assumedTokens));
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
            "simulation calls go to "
                + simulatorModel
                + (config.prices().lookup(simulatorModel).isPresent()
                    ? ", at its own price"
                    : ", which has no price in LLM_PRICES: no cost is given"));
      }
      return new RunEstimate(
          neurons,
          explanationCalls + simulationCalls,
          explanationCalls,
          simulationCalls,
          promptTokens,
          completionTokens,
          model,
          tokenizer == null ? null : tokenizer.configName(),
          !assumed && (tokenizer == null || tokenizer.exact()),
          model == null ? Double.valueOf(0) : cost(false),
          model == null ? Double.valueOf(0) : cost(true),
          assumptions);
    }
  }
}
