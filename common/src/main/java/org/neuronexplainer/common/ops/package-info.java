/**
 * What every process exposes for operations: the Micrometer Prometheus registry with the JVM,
 * process and Kafka client binders ({@link org.neuronexplainer.common.ops.MetricsSetup}), and a
 * small Vert.x server for {@code /healthz}, {@code /readyz} and {@code /metrics} ({@link
 * org.neuronexplainer.common.ops.OpsServer}). Metric names are the contract of docs/metrics.md;
 * each module's own meters live in one metrics class of that module.
 */
package org.neuronexplainer.common.ops;
