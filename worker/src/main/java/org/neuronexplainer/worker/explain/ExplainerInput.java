package org.neuronexplainer.worker.explain;

import java.util.List;
import java.util.Objects;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.records.Split;
import org.neuronexplainer.worker.records.Splits;

/**
 * What an explainer may look at for one neuron.
 *
 * @param neuron the neuron's records; explainers see only its train split
 * @param sliceParams how the splits are cut (docs/method.md 2.2; 5 per split in the paper)
 * @param tokenSummary the neuron's token lookup table, for the token-space explainer; may be null
 */
public record ExplainerInput(
    NeuronRecord neuron, SliceParams sliceParams, TokenLookupTableSummaryOfNeuron tokenSummary) {

  public ExplainerInput {
    Objects.requireNonNull(neuron, "neuron");
    Objects.requireNonNull(sliceParams, "sliceParams");
  }

  /** The neuron with the paper's split size and no token summary. */
  public static ExplainerInput of(NeuronRecord neuron) {
    return new ExplainerInput(neuron, SliceParams.paper(), null);
  }

  /** The top records of the train split, strongest first: all the explainer is shown. */
  public List<ActivationRecord> trainRecords() {
    return Splits.top(neuron, Split.TRAIN, sliceParams);
  }
}
