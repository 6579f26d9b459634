package org.neuronexplainer.common.dataset.json;

import java.util.Objects;
import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;

/**
 * A dataset file read without knowing its type in advance: the detected type and the value, an
 * instance of {@code type.javaType()}.
 */
public record DatasetDocument(DatasetType type, Object value) {

  public DatasetDocument {
    Objects.requireNonNull(type, "type");
    if (!type.javaType().isInstance(value)) {
      throw new IllegalArgumentException(
          "a " + type.displayName() + " document cannot hold " + value);
    }
  }

  /** The value as {@code javaType}; fails when the document is of another type. */
  public <T> T as(Class<T> javaType) {
    if (!javaType.isInstance(value)) {
      throw new IllegalStateException(
          "this is a " + type.displayName() + ", not a " + javaType.getSimpleName());
    }
    return javaType.cast(value);
  }

  /**
   * The neuron the file itself names: only NeuronRecord and NeuronSimulationResults files (and a
   * bare NeuronId) carry one; for the others the layout path is the only source.
   */
  public Optional<NeuronId> neuronId() {
    if (value instanceof NeuronRecord record) {
      return Optional.of(record.neuronId());
    }
    if (value instanceof NeuronSimulationResults results) {
      return Optional.of(results.neuronId());
    }
    if (value instanceof NeuronId id) {
      return Optional.of(id);
    }
    return Optional.empty();
  }
}
