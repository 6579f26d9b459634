package org.neuronexplainer.worker.llm;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who makes batch-priced calls: one job of one neuron of a run. It collects the keys of the batch
 * answers whose cost the job counted, so that the job forgets them once its results are written
 * ({@link LlmClient#forgetCounted}) and no later job counts them again; a job that does not finish
 * leaves them, to be counted by the job that does. A job that makes the same call twice counts it
 * once.
 */
public final class BatchCaller {

  private final String runId;
  private final String neuron;
  private final Set<String> counted = new LinkedHashSet<>();

  public BatchCaller(String runId, String neuron) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.neuron = Objects.requireNonNull(neuron, "neuron");
  }

  public String runId() {
    return runId;
  }

  public String neuron() {
    return neuron;
  }

  /** Records that this job counts the answer to {@code key}; false when it did already. */
  synchronized boolean count(String key) {
    return counted.add(key);
  }

  /** The answers this job counted, in order. */
  public synchronized List<String> counted() {
    return List.copyOf(counted);
  }
}
