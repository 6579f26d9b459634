package org.neuronexplainer.common.dataset.json;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
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

/**
 * Every JSON object type of the public datasets: its {@code dataclass_name} marker, its keys in the
 * order the Python original writes them (docs/method.md 1.2-1.10) and which of them are required
 * (the others have Python defaults). The five file types are the top-level objects of the public
 * files; the others appear nested, or on their own in files written by other tools.
 */
public enum DatasetType {
  NEURON_ID("NeuronId", NeuronId.class, false, 2, "layer_index", "neuron_index"),
  ACTIVATION_RECORD("ActivationRecord", ActivationRecord.class, false, 2, "tokens", "activations"),
  NEURON_RECORD(
      "NeuronRecord",
      NeuronRecord.class,
      true,
      1,
      "neuron_id",
      "random_sample",
      "random_sample_by_quantile",
      "quantile_boundaries",
      "mean",
      "variance",
      "skewness",
      "kurtosis",
      "most_positive_activation_records"),
  SEQUENCE_SIMULATION(
      "SequenceSimulation",
      SequenceSimulation.class,
      false,
      5,
      "tokens",
      "expected_activations",
      "activation_scale",
      "distribution_values",
      "distribution_probabilities",
      "uncalibrated_simulation"),
  SCORED_SEQUENCE_SIMULATION(
      "ScoredSequenceSimulation",
      ScoredSequenceSimulation.class,
      false,
      3,
      "simulation",
      "true_activations",
      "ev_correlation_score",
      "rsquared_score",
      "absolute_dev_explained_score"),
  SCORED_SIMULATION(
      "ScoredSimulation",
      ScoredSimulation.class,
      false,
      1,
      "scored_sequence_simulations",
      "ev_correlation_score",
      "rsquared_score",
      "absolute_dev_explained_score"),
  SCORED_EXPLANATION(
      "ScoredExplanation", ScoredExplanation.class, false, 2, "explanation", "scored_simulation"),
  NEURON_SIMULATION_RESULTS(
      "NeuronSimulationResults",
      NeuronSimulationResults.class,
      true,
      2,
      "neuron_id",
      "scored_explanations"),
  TOKENS_AND_WEIGHTS("TokensAndWeights", TokensAndWeights.class, false, 2, "tokens", "strengths"),
  WEIGHT_BASED_SUMMARY_OF_NEURON(
      "WeightBasedSummaryOfNeuron",
      WeightBasedSummaryOfNeuron.class,
      true,
      4,
      "input_positive",
      "input_negative",
      "output_positive",
      "output_negative"),
  TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON(
      "TokenLookupTableSummaryOfNeuron",
      TokenLookupTableSummaryOfNeuron.class,
      true,
      2,
      "tokens",
      "average_activations"),
  /** A related-neurons file (docs/method.md 1.10); not a Python dataclass, so it has no marker. */
  RELATED_NEURONS(null, RelatedNeurons.class, true, 2, "c_fc", "c_proj"),
  /** One side ({@code c_fc} or {@code c_proj}) of a related-neurons file; no marker either. */
  NEURON_CONNECTIONS(
      null,
      NeuronConnections.class,
      false,
      2,
      "top_positive_neurons",
      "top_positive_weights",
      "top_negative_neurons",
      "top_negative_weights");

  /** The key every registered Python dataclass carries, written last. */
  public static final String MARKER_KEY = "dataclass_name";

  private final String marker;
  private final Class<?> javaType;
  private final boolean fileType;
  private final List<String> fields;
  private final Set<String> requiredFields;

  DatasetType(
      String marker, Class<?> javaType, boolean fileType, int requiredCount, String... fields) {
    this.marker = marker;
    this.javaType = javaType;
    this.fileType = fileType;
    this.fields = List.of(fields);
    // Required fields come first in every type, as Python requires for fields without defaults.
    this.requiredFields = Set.copyOf(Arrays.asList(fields).subList(0, requiredCount));
  }

  /** The {@code dataclass_name} value, or empty for the related-neurons types. */
  public Optional<String> marker() {
    return Optional.ofNullable(marker);
  }

  /** The name shown to users: the marker, or the Java record's name for unmarked types. */
  public String displayName() {
    return marker != null ? marker : javaType.getSimpleName();
  }

  public Class<?> javaType() {
    return javaType;
  }

  /** Whether this is the top-level object of one of the public dataset files. */
  public boolean isFileType() {
    return fileType;
  }

  /** The JSON keys in written order, without the marker. */
  public List<String> fields() {
    return fields;
  }

  /** The keys without a Python default. */
  public Set<String> requiredFields() {
    return requiredFields;
  }

  /** The type with this marker, if it is one of the registered Python dataclasses. */
  public static Optional<DatasetType> fromMarker(String marker) {
    return Arrays.stream(values()).filter(t -> marker.equals(t.marker)).findFirst();
  }

  /** The type a Java value is read and written as. */
  public static Optional<DatasetType> forClass(Class<?> type) {
    return Arrays.stream(values()).filter(t -> t.javaType.equals(type)).findFirst();
  }

  /**
   * The type of an object without a marker, from its keys: the type whose key set equals {@code
   * keys} (as the Python loader's lenient mode does), or else the only type that has all of {@code
   * keys} and whose required keys are all among them (data written without defaulted fields). Empty
   * when no type, or more than one, fits.
   */
  public static Optional<DatasetType> inferFromKeys(Set<String> keys) {
    Set<String> withoutMarker = new LinkedHashSet<>(keys);
    withoutMarker.remove(MARKER_KEY);
    for (DatasetType type : values()) {
      if (Set.copyOf(type.fields).equals(withoutMarker)) {
        return Optional.of(type);
      }
    }
    List<DatasetType> fits =
        Arrays.stream(values())
            .filter(t -> t.fields.containsAll(withoutMarker))
            .filter(t -> withoutMarker.containsAll(t.requiredFields))
            .toList();
    return fits.size() == 1 ? Optional.of(fits.get(0)) : Optional.empty();
  }
}
