package org.neuronexplainer.common.messaging;

/**
 * A unit of work for one stage. Jobs are small: they name storage keys, never carry data. The run,
 * stage and unit identify the job's output, which is what makes redelivery harmless.
 */
public sealed interface Job permits CaptureJob, CollateJob, ExplainAndScoreJob, WeightsJob {

  int schemaVersion();

  JobHeader header();

  Stage stage();

  /**
   * The unit of work as text, unique within a run and stage: {@code 12:345} for a neuron, {@code
   * layers:0-11/shard:7} for a capture shard, {@code layer:3/neurons:0-511} for a neuron block.
   * Per-neuron jobs use it as their record key, so one neuron's work stays ordered.
   */
  String unit();

  /** The same job with another header: how the runner raises the attempt of a retry. */
  Job withHeader(JobHeader header);
}
