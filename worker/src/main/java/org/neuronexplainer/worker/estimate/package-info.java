/**
 * What a run would cost before it is sent ({@code run --dry-run}): {@link
 * org.neuronexplainer.worker.estimate.RunEstimator} builds each neuron's requests with the builders
 * a worker uses and counts them. Pure code over NeuronRecords and settings: no call, no store
 * write.
 */
package org.neuronexplainer.worker.estimate;
