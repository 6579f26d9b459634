package org.neuronexplainer.coordinator.runs;

import java.util.List;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunSpec;

/**
 * Counts what a run would send and cost before it is submitted ({@code POST /api/runs/estimate}).
 * The coordinator cannot build prompts: whoever starts it with the workers' prompt code and LLM
 * settings supplies the counting.
 */
public interface RunEstimates {

  /**
   * The calls, tokens and price of {@code spec} over {@code plan}, the neurons a submit of it would
   * plan. Reads the store; writes nothing and sends nothing.
   *
   * @throws IllegalArgumentException when the spec cannot be counted (a backend setting or input
   *     file its prompts cannot be built with)
   */
  RunEstimate estimate(RunSpec spec, List<NeuronId> plan);
}
