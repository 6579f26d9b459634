/**
 * The {@code run} command's Kafka broker: one KRaft node run as a separate process from the jars
 * deploy/kafka's build copies, its data and ports kept under the run's directory so that a second
 * {@code run} reuses it.
 */
package org.neuronexplainer.cli.pipeline.broker;
