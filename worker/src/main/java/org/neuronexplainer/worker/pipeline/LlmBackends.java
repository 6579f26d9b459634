package org.neuronexplainer.worker.pipeline;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.classify.BaselineClassifier;
import org.neuronexplainer.worker.classify.Classifier;
import org.neuronexplainer.worker.classify.ClassifierSettings;
import org.neuronexplainer.worker.classify.LlmClassifier;
import org.neuronexplainer.worker.explain.BaselineExplainer;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.llm.BatchCaller;
import org.neuronexplainer.worker.llm.BatchTransport;
import org.neuronexplainer.worker.llm.BudgetedTransport;
import org.neuronexplainer.worker.llm.CallBudget;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.UsageAccumulator;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.revise.BaselineReviser;
import org.neuronexplainer.worker.revise.LlmReviser;
import org.neuronexplainer.worker.revise.Reviser;
import org.neuronexplainer.worker.simulate.LlmSimulator;
import org.neuronexplainer.worker.simulate.SimulationProtocol;
import org.neuronexplainer.worker.simulate.Simulator;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.simulate.SimulatorSettings;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * Every backend, model-backed ones over the worker's {@link LlmClient}s: the explainer's, and the
 * simulator's, which is the same client unless the simulator has an endpoint of its own ({@code
 * LLM_SIMULATOR_*}). A client's connections, concurrency limit, rate budget and cache are per
 * process, so they must be shared by all jobs. The explainer's model is the run spec's {@code
 * llmModel} when it names one, else {@code LLM_MODEL}; the simulator's see {@link #simulatorModel}.
 * Prompt tokens are counted with each client's tokenizer. The clients belong to the caller, which
 * closes them after the runners stopped.
 */
public final class LlmBackends implements Backends {

  private final LlmClient client;
  private final LlmClient simulatorClient;
  private final Function<RunSpec, PromptInputs> prompts;
  private final int allAtOnceMaxTokens;

  /** Every run's prompts with the project's texts and the bundled few-shot sets. */
  public LlmBackends(LlmClient client) {
    this(client, spec -> PromptInputs.defaults());
  }

  /**
   * @param prompts each run's texts, few-shot sets and token escaping
   */
  public LlmBackends(LlmClient client, Function<RunSpec, PromptInputs> prompts) {
    this(client, prompts, 0);
  }

  /**
   * @param allAtOnceMaxTokens {@code max_tokens} of all-at-once requests: 0 as in the original, 1
   *     for an endpoint that refuses 0 (vLLM)
   */
  public LlmBackends(
      LlmClient client, Function<RunSpec, PromptInputs> prompts, int allAtOnceMaxTokens) {
    this(client, client, prompts, allAtOnceMaxTokens);
  }

  /**
   * @param client the explainer's client
   * @param simulatorClient the simulator's client: {@code client}, or one whose usage accumulator
   *     is {@code client}'s, so that the run's totals count every call once
   */
  public LlmBackends(
      LlmClient client,
      LlmClient simulatorClient,
      Function<RunSpec, PromptInputs> prompts,
      int allAtOnceMaxTokens) {
    this.client = Objects.requireNonNull(client, "client");
    this.simulatorClient = Objects.requireNonNull(simulatorClient, "simulatorClient");
    this.prompts = Objects.requireNonNull(prompts, "prompts");
    this.allAtOnceMaxTokens = allAtOnceMaxTokens;
  }

  @Override
  public NeuronBackends forNeuron(RunSpec spec) {
    return forNeuron(spec, CallBudget.NONE);
  }

  @Override
  public NeuronBackends forNeuron(RunSpec spec, CallBudget budget) {
    return forNeuron(spec, budget, null);
  }

  @Override
  public NeuronBackends forNeuron(RunSpec spec, CallBudget budget, String neuron) {
    // A fresh account under the clients' totals, shared by the explainer's and simulator's calls.
    UsageAccumulator account = client.usage().child();
    LlmTransport transport;
    LlmTransport simulating;
    Runnable written = () -> {};
    if (spec.batch() && neuron != null) {
      if (split()) {
        throw new PermanentException(
            "a batch run sends all its calls through one endpoint's Batch API, and this worker"
                + " simulates at an endpoint of its own (LLM_SIMULATOR_BASE_URL or"
                + " LLM_SIMULATOR_MODEL): run it without batching, or on workers without them");
      }
      BatchCaller caller = new BatchCaller(spec.runId(), neuron);
      transport = new BatchTransport(client, account, caller);
      simulating = transport;
      written = () -> client.forgetCounted(caller);
    } else {
      transport = new ClientTransport(client, account);
      simulating = split() ? new ClientTransport(simulatorClient, account) : transport;
    }
    if (budget.limited()) {
      budget.track(account);
      transport = new BudgetedTransport(transport, budget, client.config());
      simulating =
          split() ? new BudgetedTransport(simulating, budget, simulatorClient.config()) : transport;
    }
    return new NeuronBackends(
        explainer(spec),
        simulator(spec, simulating),
        transport,
        classifier(spec, simulating),
        reviser(spec),
        needsModel(spec) ? account : null,
        written);
  }

  private boolean split() {
    return simulatorClient != client;
  }

  /**
   * The run's explainer, writing the run's number of explanations per neuron ({@link
   * org.neuronexplainer.common.run.Refinement#explanations()}, docs/method.md 16.1).
   */
  @Override
  public Explainer explainer(RunSpec spec) {
    ExplainerKind kind = parse(() -> ExplainerKind.fromConfigName(spec.explainer()));
    Integer k = spec.refinementOrNone().explanations();
    if (!kind.needsModel()) {
      return BaselineExplainer.withExplanations(k);
    }
    return explainer(kind, settings(spec, k), client.config());
  }

  /**
   * What revises the run's explanations (docs/method.md 16.2): the explainer's model, transport and
   * prompt texts, or, for the baseline explainer, the baseline reviser.
   */
  Reviser reviser(RunSpec spec) {
    ExplainerKind kind = parse(() -> ExplainerKind.fromConfigName(spec.explainer()));
    if (!kind.needsModel()) {
      return new BaselineReviser();
    }
    return new LlmReviser(settings(spec, null));
  }

  /** The explainer's settings for the run, with {@code k} samples unless it is null. */
  private ExplainerSettings settings(RunSpec spec, Integer k) {
    ExplainerSettings settings =
        ExplainerSettings.defaults(model(spec), PromptFormat.CHAT).withPrompts(prompts.apply(spec));
    return k == null ? settings : settings.withSamples(k);
  }

  private static Explainer explainer(
      ExplainerKind kind, ExplainerSettings settings, LlmConfig config) {
    TokenCounter counter = TokenCounter.of(config.tokenizerFor(settings.model()));
    return parse(() -> kind.create(settings, counter));
  }

  /**
   * The model-backed explainer {@code kind} as a worker builds it for {@code model}: the chat
   * format, the original's sampling defaults, prompts from {@code inputs}, and prompt tokens
   * counted with {@code LLM_TOKENIZER} when set, else the model's encoding (docs/method.md 3.3).
   * {@code run --dry-run} builds its requests with this too.
   */
  public static Explainer explainer(
      ExplainerKind kind, String model, LlmConfig config, PromptInputs inputs) {
    TokenCounter counter = TokenCounter.of(config.tokenizerFor(model));
    return parse(
        () ->
            kind.create(
                ExplainerSettings.defaults(model, PromptFormat.CHAT).withPrompts(inputs), counter));
  }

  @Override
  public Simulator simulator(RunSpec spec) {
    return simulator(spec, ClientTransport.forNeuron(simulatorClient));
  }

  @Override
  public LlmTransport transport(RunSpec spec) {
    return ClientTransport.forNeuron(client);
  }

  Simulator simulator(RunSpec spec, LlmTransport transport) {
    SimulatorKind kind = parse(() -> SimulatorKind.fromConfigName(spec.simulator()));
    if (!kind.needsModel()) {
      return kind.create((String) null, transport);
    }
    return new LlmSimulator(
        protocol(kind, simulatorModel(spec), allAtOnceMaxTokens, prompts.apply(spec)), transport);
  }

  /**
   * What answers the run's classification scorers: the simulator's model with the run's prompt
   * texts over the simulator's {@code transport} (so its calls are cached, budgeted, batched and
   * counted as the simulator's are), or, when the run simulates with the baseline, the baseline
   * classifier, which calls no model.
   */
  Classifier classifier(RunSpec spec, LlmTransport transport) {
    SimulatorKind kind = parse(() -> SimulatorKind.fromConfigName(spec.simulator()));
    if (!kind.needsModel()) {
      return new BaselineClassifier();
    }
    return new LlmClassifier(
        simulatorModel(spec),
        prompts.apply(spec).texts(),
        transport,
        ClassifierSettings.forRun(spec));
  }

  /**
   * The requests of the model-backed simulator {@code kind} as a worker builds them for {@code
   * model}, with the all-at-once backend's {@code max_tokens} and prompts from {@code inputs}.
   * {@code run --dry-run} builds its requests with this too.
   */
  public static SimulationProtocol protocol(
      SimulatorKind kind, String model, int allAtOnceMaxTokens, PromptInputs inputs) {
    return parse(
        () ->
            kind.protocol(
                SimulatorSettings.defaults(model).withAllAtOnceMaxTokens(allAtOnceMaxTokens),
                inputs));
  }

  /**
   * The model of a run's model-backed backends: the spec's, else the client's {@code LLM_MODEL}.
   */
  public static String model(RunSpec spec, LlmConfig config) {
    return spec.llmModel() != null && !spec.llmModel().isBlank() ? spec.llmModel() : config.model();
  }

  /**
   * The model of a run's model-backed simulator: the spec's {@code simulatorModel}, else the
   * simulator endpoint's own {@code LLM_SIMULATOR_MODEL}, else the explainer's {@link #model}.
   */
  public static String simulatorModel(RunSpec spec, LlmConfig config) {
    if (spec.simulatorModel() != null) {
      return spec.simulatorModel();
    }
    return config.splitSimulator() ? config.simulatorEndpoint().model() : model(spec, config);
  }

  private String model(RunSpec spec) {
    return model(spec, client.config());
  }

  private String simulatorModel(RunSpec spec) {
    if (spec.simulatorModel() != null) {
      return spec.simulatorModel();
    }
    return split() ? simulatorClient.config().model() : model(spec);
  }

  private static boolean needsModel(RunSpec spec) {
    return parse(() -> ExplainerKind.fromConfigName(spec.explainer())).needsModel()
        || parse(() -> SimulatorKind.fromConfigName(spec.simulator())).needsModel();
  }

  // A bad backend name or setting fails the same way on every attempt.
  private static <T> T parse(Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new PermanentException(e.getMessage(), e);
    }
  }
}
