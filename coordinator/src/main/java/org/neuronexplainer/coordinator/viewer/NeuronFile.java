package org.neuronexplainer.coordinator.viewer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ExplanationRounds;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.WeightBasedSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;

/**
 * The per-neuron files of the public layout (docs/architecture.md, storage layout), and the files a
 * run writes beside the explanations: the classification scorers' (docs/method.md 15.5) and the
 * explanation rounds (docs/method.md 16.3).
 */
public enum NeuronFile {
  EXPLANATIONS("explanations", "explanations", ".jsonl", NeuronSimulationResults.class),
  COLLATED_ACTIVATIONS("collatedActivations", "collated-activations", ".json", NeuronRecord.class),
  RELATED_TOKENS_ACTIVATION_BASED(
      "relatedTokensActivationBased",
      "related-tokens/activation-based",
      ".json",
      TokenLookupTableSummaryOfNeuron.class),
  RELATED_TOKENS_WEIGHT_BASED(
      "relatedTokensWeightBased",
      "related-tokens/weight-based",
      ".json",
      WeightBasedSummaryOfNeuron.class),
  RELATED_NEURONS("relatedNeurons", "related-neurons/weight-based", ".json", RelatedNeurons.class),
  DETECTION("detection", "classifications/detection", ".json", ClassificationResults.class),
  FUZZING("fuzzing", "classifications/fuzzing", ".json", ClassificationResults.class),
  ROUNDS("rounds", "rounds", ".json", ExplanationRounds.class);

  private final String apiName;
  private final String folder;
  private final String extension;
  private final Class<?> type;

  NeuronFile(String apiName, String folder, String extension, Class<?> type) {
    this.apiName = apiName;
    this.folder = folder;
    this.extension = extension;
    this.type = type;
  }

  /** The field that holds this file in the neuron API's answer. */
  public String apiName() {
    return apiName;
  }

  public Class<?> type() {
    return type;
  }

  public String key(NeuronId id) {
    return folder + "/" + id.layerIndex() + "/" + id.neuronIndex() + extension;
  }

  /**
   * The file's value.
   *
   * @throws DatasetFormatException or {@link IllegalArgumentException}, naming {@code key}, when
   *     the bytes do not fit the file's layout
   */
  Object read(byte[] bytes, String key) throws DatasetFormatException {
    if (type == ClassificationResults.class) {
      return ClassificationJson.read(bytes, key);
    }
    if (type == ExplanationRounds.class) {
      return ClassificationJson.readRounds(bytes, key);
    }
    return DatasetJson.read(bytes, key, type);
  }

  /** A value read by {@link #read} as the file's canonical JSON (NaN written as null). */
  String toJson(Object value) {
    if (value instanceof ClassificationResults results) {
      return new String(ClassificationJson.toBytes(results), StandardCharsets.UTF_8);
    }
    if (value instanceof ExplanationRounds rounds) {
      return new String(ClassificationJson.toBytes(rounds), StandardCharsets.UTF_8);
    }
    return DatasetJson.toJson(value);
  }

  /** Whether {@code key} is a file of this layout, the only keys the raw route serves. */
  public static boolean isLayoutKey(String key) {
    for (NeuronFile file : values()) {
      if (key.startsWith(file.folder + "/")
          && key.endsWith(file.extension)
          && key.substring(file.folder.length() + 1).matches("\\d+/\\d+\\.jsonl?")) {
        return true;
      }
    }
    return false;
  }

  static List<NeuronFile> all() {
    return List.of(values());
  }
}
