package org.neuronexplainer.common.messaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message no worker could handle: a malformed one, a permanent failure, or a job that used its
 * attempt budget. It keeps the original bytes so that a fixed worker or a person can replay it.
 *
 * @param originalTopic the topic the message was read from
 * @param partition its partition there
 * @param offset its offset there
 * @param key its record key, or null
 * @param value its raw value bytes, exactly as read (base64 in JSON), or null for a tombstone
 * @param error the error class and message
 * @param runId the job's run, when the message could be read; else null
 * @param unit the job's unit, when the message could be read; else null
 * @param atMillis when it was dead-lettered, epoch milliseconds
 */
public record DeadLetter(
    int schemaVersion,
    String originalTopic,
    int partition,
    long offset,
    String key,
    byte[] value,
    String error,
    String runId,
    String unit,
    long atMillis) {

  public DeadLetter {
    Messages.checkVersion(schemaVersion);
    Messages.requireText(originalTopic, "originalTopic");
    Messages.requireText(error, "error");
    value = value == null ? null : value.clone();
  }

  @Override
  public byte[] value() {
    return value == null ? null : value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetter other
        && schemaVersion == other.schemaVersion
        && originalTopic.equals(other.originalTopic)
        && partition == other.partition
        && offset == other.offset
        && Objects.equals(key, other.key)
        && Arrays.equals(value, other.value)
        && error.equals(other.error)
        && Objects.equals(runId, other.runId)
        && Objects.equals(unit, other.unit)
        && atMillis == other.atMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        schemaVersion,
        originalTopic,
        partition,
        offset,
        key,
        Arrays.hashCode(value),
        error,
        runId,
        unit,
        atMillis);
  }

  @Override
  public String toString() {
    return "DeadLetter["
        + originalTopic
        + "-"
        + partition
        + "@"
        + offset
        + " key="
        + key
        + " run="
        + runId
        + " unit="
        + unit
        + " error="
        + error
        + "]";
  }
}
