package org.neuronexplainer.worker.pipeline;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunSpec;
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
import org.neuronexplainer.worker.simulate.LlmSimulator;
import org.neuronexplainer.worker.simulate.SimulationProtocol;
import org.neuronexplainer.worker.simulate.Simulator;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.simulate.SimulatorSettings;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * Every backend, model-backed ones over the worker's one {@link LlmClient} (its connections,
 * concurrency limit, rate budget and cache are per process, so they must be shared by all jobs).
 * The model is the run spec's {@code llmModel} when it names one, else the client's {@code
 * LLM_MODEL}; prompt tokens are counted with the client's {@code LLM_TOKENIZER}. The client belongs
 * to the caller, which closes it after the runners stopped.
 */
public final class LlmBackends implements Backends {

  private final LlmClient client;
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
    this.client = Objects.requireNonNull(client, "client");
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
    // A fresh account under the client's totals, shared by the explainer's and simulator's calls.
    UsageAccumulator account = client.usage().child();
    LlmTransport transport;
    Runnable written = () -> {};
    if (spec.batch() && neuron != null) {
      BatchCaller caller = new BatchCaller(spec.runId(), neuron);
      transport = new BatchTransport(client, account, caller);
      written = () -> client.forgetCounted(caller);
    } else {
      transport = new ClientTransport(client, account);
    }
    if (budget.limited()) {
      budget.track(account);
      transport = new BudgetedTransport(transport, budget, client.config());
    }
    return new NeuronBackends(
        explainer(spec),
        simulator(spec, transport),
        transport,
        needsModel(spec) ? account : null,
        written);
  }

  @Override
  public Explainer explainer(RunSpec spec) {
    ExplainerKind kind = parse(() -> ExplainerKind.fromConfigName(spec.explainer()));
    if (!kind.needsModel()) {
      return kind.create(null);
    }
    return explainer(kind, model(spec), client.config(), prompts.apply(spec));
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
    return simulator(spec, transport(spec));
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
        protocol(kind, model(spec), allAtOnceMaxTokens, prompts.apply(spec)), transport);
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

  private String model(RunSpec spec) {
    return model(spec, client.config());
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
