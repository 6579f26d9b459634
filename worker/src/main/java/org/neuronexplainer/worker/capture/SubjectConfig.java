package org.neuronexplainer.worker.capture;

/** What capture and its checks need to know of a subject model's shape, whatever its family. */
public interface SubjectConfig {

  /** The architecture, as Hugging Face names it, e.g. {@code GPT2LMHeadModel}. */
  String architecture();

  int layers();

  /** MLP neurons per layer. */
  int neurons();

  /** The residual stream's width. */
  int hiddenSize();

  int vocabSize();

  /** The longest sequence the model takes. */
  int positions();

  /** What a neuron's value is, for file metadata, e.g. {@code gelu_new}. */
  String neuronActivation();
}
