package org.neuronexplainer.coordinator.viewer;

import org.neuronexplainer.common.dataset.NeuronId;

/**
 * One explanation of a neuron as the index and the overview see it: {@code rank} is its position in
 * the file's {@code scored_explanations} (0 is the one the viewer shows first); {@code score} is
 * its ev_correlation_score, NaN where undefined.
 */
public record ExplanationEntry(NeuronId neuron, int rank, String explanation, double score) {}
