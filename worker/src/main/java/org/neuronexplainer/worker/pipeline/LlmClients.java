package org.neuronexplainer.worker.pipeline;

import java.util.Objects;
import java.util.function.Function;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.llm.LlmCallListener;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * The worker's LLM clients: the explainer's, and a second for simulation calls when the simulator
 * has an endpoint of its own ({@link LlmConfig#splitSimulator()}), with its own connections,
 * concurrency limit, rate budget and retries. Both cache responses in one store (a cached answer's
 * key holds its URL), feed one listener and add to one usage total, so that a neuron's account and
 * the process's totals count every call once. Closes both.
 */
public final class LlmClients implements AutoCloseable {

  private final LlmClient explainer;
  private final LlmClient simulator;

  private LlmClients(LlmClient explainer, LlmClient simulator) {
    this.explainer = explainer;
    this.simulator = simulator;
  }

  /** The clients of {@code config}, caching under {@code llm-cache/} of {@code store}. */
  public static LlmClients open(LlmConfig config, BlobStore store, LlmCallListener listener) {
    Objects.requireNonNull(listener, "listener");
    LlmClient explainer =
        LlmClient.builder(config.withoutSimulator()).cache(store).listener(listener).build();
    if (!config.splitSimulator()) {
      return new LlmClients(explainer, explainer);
    }
    try {
      LlmClient simulator =
          LlmClient.builder(config.simulatorEndpoint())
              .cache(store)
              .listener(listener)
              .usage(explainer.usage())
              .build();
      return new LlmClients(explainer, simulator);
    } catch (RuntimeException e) {
      explainer.close();
      throw e;
    }
  }

  public LlmClient explainer() {
    return explainer;
  }

  /** The simulator's client: {@link #explainer()} unless the simulator has its own endpoint. */
  public LlmClient simulator() {
    return simulator;
  }

  /** The backends over these clients. */
  public LlmBackends backends(Function<RunSpec, PromptInputs> prompts, int allAtOnceMaxTokens) {
    return new LlmBackends(explainer, simulator, prompts, allAtOnceMaxTokens);
  }

  @Override
  public void close() {
    try (explainer) {
      if (simulator != explainer) {
        simulator.close();
      }
    }
  }
}
