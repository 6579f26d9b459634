/**
 * {@code serve}: the neuron viewer of {@code coordinator.viewer} on its own, over one or more
 * stores, without a coordinator or Kafka.
 */
package org.neuronexplainer.cli.viewer;
