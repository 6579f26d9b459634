package org.neuronexplainer.worker.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who makes batch-priced calls: one job of one neuron of a run. It collects the keys of the batch
 * answers whose cost the job counted, so that the job forgets them once its results are written
 * ({@link LlmClient#forgetCounted}) and no later job counts them again; a job that does not finish
 * leaves them, to be counted by the job that does.
 */
public final class BatchCaller {

  private final String runId;
  private final String neuron;
  private final List<String> counted = new ArrayList<>();

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

  synchronized void counted(String key) {
    counted.add(key);
  }

  /** The answers this job counted, in order. */
  public synchronized List<String> counted() {
    return List.copyOf(counted);
  }
}
