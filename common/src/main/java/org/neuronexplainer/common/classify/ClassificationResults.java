package org.neuronexplainer.common.classify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * One neuron's results under one classification scorer, one entry per explanation in the order they
 * were scored: the file {@link ClassificationJson} reads and writes (docs/method.md 15.5).
 *
 * @param version the layout's version, {@value #VERSION}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClassificationResults(
    @JsonProperty("version") int version,
    @JsonProperty("scorer") ClassifierKind scorer,
    @JsonProperty("layer_index") int layerIndex,
    @JsonProperty("neuron_index") int neuronIndex,
    @JsonProperty("explanations") List<ClassifiedExplanation> explanations) {

  /** The layout this code writes and reads. */
  public static final int VERSION = 1;

  public ClassificationResults {
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "classification results version " + version + " is not supported (only " + VERSION + ")");
    }
    Objects.requireNonNull(scorer, "scorer");
    new NeuronId(layerIndex, neuronIndex);
    explanations = List.copyOf(explanations);
  }

  public static ClassificationResults of(
      ClassifierKind scorer, NeuronId neuron, List<ClassifiedExplanation> explanations) {
    return new ClassificationResults(
        VERSION, scorer, neuron.layerIndex(), neuron.neuronIndex(), explanations);
  }

  public NeuronId neuronId() {
    return new NeuronId(layerIndex, neuronIndex);
  }

  /**
   * The same answers with every metric derived again from them alone: what {@code rescore} writes,
   * and what a stored file's metrics should have been.
   */
  public ClassificationResults recompute() {
    return new ClassificationResults(
        version,
        scorer,
        layerIndex,
        neuronIndex,
        explanations.stream().map(ClassifiedExplanation::recompute).toList());
  }
}
