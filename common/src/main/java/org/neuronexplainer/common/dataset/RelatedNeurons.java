package org.neuronexplainer.common.dataset;

/**
 * A neuron's weight-based related neurons (a "related-neurons/weight-based" file).
 *
 * @param cFc upstream: earlier-layer neurons writing into this neuron's input weights; null for the
 *     first layer
 * @param cProj downstream: later-layer neurons reading this neuron's output; null for the last
 *     layer
 */
public record RelatedNeurons(NeuronConnections cFc, NeuronConnections cProj) {}
