package org.neuronexplainer.worker.pipeline;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.worker.llm.Batcher;

/**
 * Sends a batch run's parked neurons through the coordinator's durable re-queue path: a {@link
 * RunRecords.RequeuedWork} record under the run, which the coordinator publishes while the run is
 * running. The re-queued job finds its answers in the response cache. Each run's batch counts go to
 * {@link RunRecords#batchSummaryKey}, for the run page and the API.
 */
public final class BatchRequeue implements Batcher.ParkedNeurons {

  private final RunRecords records;
  private final LongSupplier clock;

  public BatchRequeue(RunRecords records, LongSupplier clock) {
    this.records = Objects.requireNonNull(records, "records");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void ready(String runId, List<String> neurons) {
    records.putRequeued(
        new RunRecords.RequeuedWork(
            runId, neurons, List.of(), List.of(), List.of(), clock.getAsLong()));
  }

  @Override
  public void counted(String runId, Batcher.Counts counts) {
    records.putBatchSummary(
        new RunRecords.BatchSummary(
            runId,
            counts.pendingCalls(),
            counts.callsInBatches(),
            counts.inProgress(),
            counts.completed(),
            counts.failed(),
            clock.getAsLong()));
  }
}
