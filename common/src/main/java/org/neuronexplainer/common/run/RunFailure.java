package org.neuronexplainer.common.run;

/**
 * One neuron of a run that failed for good, as {@code runs/{runId}/failures.jsonl} keeps it: one
 * JSON object a line.
 *
 * @param neuron {@code layer:index}
 * @param stage the stage it failed in ({@code capture}, {@code collate} or {@code
 *     explain-and-score})
 * @param attempts the attempt that failed last (1 for the first try)
 * @param reason what the last attempt said, as the worker reported it
 */
public record RunFailure(String neuron, String stage, int attempts, String reason) {}
