/**
 * {@code serve}: the neuron viewer of {@code coordinator.viewer} on its own, over one or more
 * stores, without a coordinator or Kafka; with {@code --model}, the neuron pages try texts on the
 * subject model through {@link org.neuronexplainer.cli.viewer.ModelProbe}, which the coordinator
 * command and {@code run} also use for {@code COORDINATOR_VIEWER_MODEL}.
 */
package org.neuronexplainer.cli.viewer;
