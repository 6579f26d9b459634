/**
 * The distributed pipeline from the command line: {@code run} (broker, coordinator and worker on
 * one machine, with its progress and summary), the {@code coordinator} and {@code worker} processes
 * of a cluster, and the API commands ({@code submit}, {@code runs}, {@code status}, {@code
 * requeue}, {@code cancel}) that share the run-spec options with {@code run}.
 */
package org.neuronexplainer.cli.pipeline;
