package org.neuronexplainer.coordinator.viewer;

import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * The subject model run on a text for one neuron: the "try it on your text" box of the neuron page.
 * The coordinator does not hold a model; the command that serves the viewer implements this over
 * the worker's model and simulator and hands it in. One probe owns its model, loaded once, and
 * frees it on {@link #close()}. {@link BoundedProbe} puts the limits around it.
 */
public interface NeuronProbe extends AutoCloseable {

  /** The model in a few words for the page, e.g. its checkpoint directory's name. */
  String describe();

  /** The model's layers and neurons per layer: which neurons {@link #read} runs. */
  ModelDims dims();

  /**
   * Why no prediction comes with a reading (no LLM endpoint is configured); empty when one does.
   */
  Optional<String> noPrediction();

  /**
   * Runs the model on {@code text} and reads {@code neuron}'s activation on each token, and, where
   * this probe predicts and {@code explanation} is given, the simulator's prediction from it.
   * Blocking; safe to call from several threads (passes are serialized by the model).
   *
   * @param explanation the explanation to predict from; null or blank for none
   * @throws IllegalArgumentException in plain words, for a neuron the model does not have or a text
   *     of no tokens or more than the model's positions
   */
  ProbeReading read(NeuronId neuron, String text, String explanation);

  @Override
  void close();
}
