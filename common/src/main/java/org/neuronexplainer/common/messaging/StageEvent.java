package org.neuronexplainer.common.messaging;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What happened to one job attempt, on the compacted events topic. The coordinator folds these into
 * per-unit state; compaction keeps the newest event per {@link #key()}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = StageEvent.Started.class, name = "started"),
  @JsonSubTypes.Type(value = StageEvent.Succeeded.class, name = "succeeded"),
  @JsonSubTypes.Type(value = StageEvent.Failed.class, name = "failed")
})
public sealed interface StageEvent {

  int schemaVersion();

  String runId();

  Stage stage();

  /** The job's {@link Job#unit()}. */
  String unit();

  int attempt();

  /** When it happened, epoch milliseconds. */
  long atMillis();

  /**
   * The record key: run, stage and unit. The stage is part of it so that compaction keeps one event
   * per stage of a neuron, with that stage's metrics (tokens, cost), not only the last stage's.
   */
  default String key() {
    return key(runId(), stage(), unit());
  }

  static String key(String runId, Stage stage, String unit) {
    return runId + "/" + stage.id() + "/" + unit;
  }

  /** The events of one job. */
  static Started started(Job job, long atMillis) {
    return new Started(
        Messages.SCHEMA_VERSION,
        job.header().runId(),
        job.stage(),
        job.unit(),
        job.header().attempt(),
        atMillis);
  }

  static Succeeded succeeded(Job job, long atMillis, boolean skipped, JobMetrics metrics) {
    return new Succeeded(
        Messages.SCHEMA_VERSION,
        job.header().runId(),
        job.stage(),
        job.unit(),
        job.header().attempt(),
        atMillis,
        skipped,
        metrics);
  }

  static Failed failed(Job job, long atMillis, String reason, boolean willRetry) {
    return new Failed(
        Messages.SCHEMA_VERSION,
        job.header().runId(),
        job.stage(),
        job.unit(),
        job.header().attempt(),
        atMillis,
        reason,
        willRetry);
  }

  /** A worker began an attempt. */
  record Started(
      int schemaVersion, String runId, Stage stage, String unit, int attempt, long atMillis)
      implements StageEvent {
    public Started {
      EventChecks.check(schemaVersion, runId, stage, unit, attempt);
    }
  }

  /**
   * The attempt's output is durably written.
   *
   * @param skipped the output was already there (a redelivery or a re-queue of finished work)
   * @param metrics what the attempt cost and scored, or null
   */
  record Succeeded(
      int schemaVersion,
      String runId,
      Stage stage,
      String unit,
      int attempt,
      long atMillis,
      boolean skipped,
      JobMetrics metrics)
      implements StageEvent {
    public Succeeded {
      EventChecks.check(schemaVersion, runId, stage, unit, attempt);
    }
  }

  /**
   * The attempt failed.
   *
   * @param reason the error, for people
   * @param willRetry true when a next attempt is queued; false when the unit is now {@code failed}
   *     (and a dead-letter record holds the job)
   */
  record Failed(
      int schemaVersion,
      String runId,
      Stage stage,
      String unit,
      int attempt,
      long atMillis,
      String reason,
      boolean willRetry)
      implements StageEvent {
    public Failed {
      EventChecks.check(schemaVersion, runId, stage, unit, attempt);
      Messages.requireText(reason, "reason");
    }
  }
}
