package org.neuronexplainer.common.dataset.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronConnections;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.TokensAndWeights;
import org.neuronexplainer.common.dataset.WeightBasedSummaryOfNeuron;

/** Dispatches between the {@link DatasetType}s and their codecs. */
final class DatasetCodec {
  private DatasetCodec() {}

  /** Reads a top-level value as {@code type}. */
  static Object read(String source, JsonNode root, DatasetType type) throws DatasetFormatException {
    JsonFields f = JsonFields.open(source, root, "$", type);
    return switch (type) {
      case NEURON_ID -> ActivationsCodec.readNeuronId(f);
      case ACTIVATION_RECORD -> ActivationsCodec.readActivationRecord(f);
      case NEURON_RECORD -> ActivationsCodec.readNeuronRecord(f);
      case SEQUENCE_SIMULATION -> SimulationsCodec.readSequenceSimulation(f);
      case SCORED_SEQUENCE_SIMULATION -> SimulationsCodec.readScoredSequenceSimulation(f);
      case SCORED_SIMULATION -> SimulationsCodec.readScoredSimulation(f);
      case SCORED_EXPLANATION -> SimulationsCodec.readScoredExplanation(f);
      case NEURON_SIMULATION_RESULTS -> SimulationsCodec.readNeuronSimulationResults(f);
      case TOKENS_AND_WEIGHTS -> SummariesCodec.readTokensAndWeights(f);
      case WEIGHT_BASED_SUMMARY_OF_NEURON -> SummariesCodec.readWeightBasedSummary(f);
      case TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON -> SummariesCodec.readTokenLookupTable(f);
      case RELATED_NEURONS -> SummariesCodec.readRelatedNeurons(f);
      case NEURON_CONNECTIONS -> SummariesCodec.readConnections(f);
    };
  }

  /**
   * The type of a top-level value: from its marker when it has one, else from its key set (see
   * {@link DatasetType#inferFromKeys}).
   */
  static DatasetType detect(String source, JsonNode root) throws DatasetFormatException {
    if (!root.isObject()) {
      throw DatasetFormatException.atPath(
          source, "$", "expected a JSON object, got " + JsonValues.describe(root));
    }
    Set<String> keys = new LinkedHashSet<>();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      keys.add(names.next());
    }
    JsonNode marker = root.get(DatasetType.MARKER_KEY);
    if (marker != null && marker.isTextual()) {
      var byMarker = DatasetType.fromMarker(marker.textValue());
      if (byMarker.isPresent()) {
        return byMarker.get();
      }
      // Related-neurons files are no Python dataclass; a marker on them names no known type.
      var byKeys = DatasetType.inferFromKeys(keys);
      if (byKeys.isPresent() && byKeys.get().marker().isEmpty()) {
        return byKeys.get();
      }
      throw DatasetFormatException.atPath(
          source,
          "$." + DatasetType.MARKER_KEY,
          "unknown dataclass_name \"" + marker.textValue() + "\"");
    }
    return DatasetType.inferFromKeys(keys)
        .orElseThrow(
            () ->
                DatasetFormatException.atPath(
                    source,
                    "$",
                    "no dataclass_name, and the keys "
                        + keys
                        + " match no dataset type (exactly, or all required keys of exactly one)"));
  }

  /** Writes any dataset value; fails for other classes. */
  static void write(Object value, CompactJsonWriter w) {
    if (value instanceof NeuronId v) {
      ActivationsCodec.write(v, w);
    } else if (value instanceof ActivationRecord v) {
      ActivationsCodec.write(v, w);
    } else if (value instanceof NeuronRecord v) {
      ActivationsCodec.write(v, w);
    } else if (value instanceof SequenceSimulation v) {
      SimulationsCodec.write(v, w);
    } else if (value instanceof ScoredSequenceSimulation v) {
      SimulationsCodec.write(v, w);
    } else if (value instanceof ScoredSimulation v) {
      SimulationsCodec.write(v, w);
    } else if (value instanceof ScoredExplanation v) {
      SimulationsCodec.write(v, w);
    } else if (value instanceof NeuronSimulationResults v) {
      SimulationsCodec.write(v, w);
    } else if (value instanceof TokensAndWeights v) {
      SummariesCodec.write(v, w);
    } else if (value instanceof WeightBasedSummaryOfNeuron v) {
      SummariesCodec.write(v, w);
    } else if (value instanceof TokenLookupTableSummaryOfNeuron v) {
      SummariesCodec.write(v, w);
    } else if (value instanceof RelatedNeurons v) {
      SummariesCodec.write(v, w);
    } else if (value instanceof NeuronConnections v) {
      SummariesCodec.write(v, w);
    } else {
      throw new IllegalArgumentException(
          "not a dataset value: " + (value == null ? "null" : value.getClass().getName()));
    }
  }
}
