package org.neuronexplainer.worker.pipeline;

import java.util.function.Supplier;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.explain.BaselineExplainer;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.llm.CallBudget;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.simulate.Simulator;
import org.neuronexplainer.worker.simulate.SimulatorKind;

/**
 * The explainer, simulator and LLM transport of a run, from its spec. {@link #withoutModels()}
 * serves the backends that need no model; {@link LlmBackends} adds the model-backed ones over the
 * worker's LLM client.
 */
public interface Backends {

  /** One job's backends; by default the three below, with no usage account. */
  default NeuronBackends forNeuron(RunSpec spec) {
    return new NeuronBackends(explainer(spec), simulator(spec), transport(spec), null);
  }

  /**
   * One job's backends whose calls {@code budget} admits one by one; by default (backends that call
   * no model) the same as {@link #forNeuron(RunSpec)}.
   */
  default NeuronBackends forNeuron(RunSpec spec, CallBudget budget) {
    return forNeuron(spec);
  }

  /**
   * The backends of the job of {@code neuron} ({@code layer:index}), which a batch run's calls are
   * parked for; by default the same as {@link #forNeuron(RunSpec, CallBudget)}.
   */
  default NeuronBackends forNeuron(RunSpec spec, CallBudget budget, String neuron) {
    return forNeuron(spec, budget);
  }

  Explainer explainer(RunSpec spec);

  Simulator simulator(RunSpec spec);

  LlmTransport transport(RunSpec spec);

  /** The baseline explainer and simulator; a run asking for a model-backed one fails its jobs. */
  static Backends withoutModels() {
    return new Backends() {
      @Override
      public Explainer explainer(RunSpec spec) {
        ExplainerKind kind = kind(() -> ExplainerKind.fromConfigName(spec.explainer()));
        if (kind.needsModel()) {
          throw new PermanentException(
              "explainer " + spec.explainer() + " needs an LLM, which this worker is not wired to");
        }
        return BaselineExplainer.withExplanations(spec.refinementOrNone().explanations());
      }

      @Override
      public Simulator simulator(RunSpec spec) {
        SimulatorKind kind = kind(() -> SimulatorKind.fromConfigName(spec.simulator()));
        if (kind.needsModel()) {
          throw new PermanentException(
              "simulator " + spec.simulator() + " needs an LLM, which this worker is not wired to");
        }
        return kind.create("", LlmTransport.none());
      }

      @Override
      public LlmTransport transport(RunSpec spec) {
        return LlmTransport.none();
      }
    };
  }

  private static <T> T kind(Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new PermanentException(e.getMessage(), e);
    }
  }
}
