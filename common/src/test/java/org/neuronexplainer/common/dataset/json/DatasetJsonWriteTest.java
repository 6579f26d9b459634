package org.neuronexplainer.common.dataset.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.neuronexplainer.common.dataset.json.Examples.canonical;
import static org.neuronexplainer.common.dataset.json.Examples.example;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.ScoredSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;

class DatasetJsonWriteTest {
  static final List<String> EXAMPLES = List.of(Examples.NAMES);

  @Test
  void writesANeuronIdCompactWithTheMarkerLast() {
    assertThat(DatasetJson.toJson(new NeuronId(9, 6236)))
        .isEqualTo("{\"layer_index\":9,\"neuron_index\":6236,\"dataclass_name\":\"NeuronId\"}");
  }

  @Test
  void writesFloatsShortestAndNaNAsNull() {
    ActivationRecord record =
        new ActivationRecord(
            List.of("The", " cat", " sat", " on"), new double[] {-0.031, 2.0, Double.NaN, 1e-7});

    assertThat(DatasetJson.toJson(record))
        .isEqualTo(
            "{\"tokens\":[\"The\",\" cat\",\" sat\",\" on\"],"
                + "\"activations\":[-0.031,2.0,null,1e-7],\"dataclass_name\":\"ActivationRecord\"}");
  }

  @Test
  void writesEveryNeuronRecordFieldInDataclassOrder() {
    NeuronRecord record =
        new NeuronRecord(
            new NeuronId(0, 1),
            List.of(),
            null,
            null,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            0.5,
            Double.NEGATIVE_INFINITY,
            List.of());

    assertThat(DatasetJson.toJson(record))
        .isEqualTo(
            "{\"neuron_id\":{\"layer_index\":0,\"neuron_index\":1,\"dataclass_name\":\"NeuronId\"},"
                + "\"random_sample\":[],\"random_sample_by_quantile\":null,"
                + "\"quantile_boundaries\":null,\"mean\":null,\"variance\":null,\"skewness\":0.5,"
                + "\"kurtosis\":null,\"most_positive_activation_records\":[],"
                + "\"dataclass_name\":\"NeuronRecord\"}");
  }

  @Test
  void writesAnExplanationFileAsOneLineWithANewline() {
    SequenceSimulation simulation =
        new SequenceSimulation(
            List.of(" a"),
            new double[] {1.0},
            ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS,
            List.of(),
            List.of(),
            null);
    ScoredSequenceSimulation scored =
        new ScoredSequenceSimulation(simulation, new double[] {0.5}, Double.NaN, 0.25, -1.5);
    NeuronSimulationResults results =
        new NeuronSimulationResults(
            new NeuronId(3, 4),
            List.of(
                new ScoredExplanation(
                    "a \"quoted\" word\n", new ScoredSimulation(List.of(scored), 0.1, 0.2, 0.3))));

    assertThat(DatasetJson.toJsonLine(results))
        .isEqualTo(
            "{\"neuron_id\":{\"layer_index\":3,\"neuron_index\":4,\"dataclass_name\":\"NeuronId\"},"
                + "\"scored_explanations\":[{\"explanation\":\"a \\\"quoted\\\" word\\n\","
                + "\"scored_simulation\":{\"scored_sequence_simulations\":[{\"simulation\":"
                + "{\"tokens\":[\" a\"],\"expected_activations\":[1.0],"
                + "\"activation_scale\":\"simulated_normalized_activations\","
                + "\"distribution_values\":[],\"distribution_probabilities\":[],"
                + "\"uncalibrated_simulation\":null,\"dataclass_name\":\"SequenceSimulation\"},"
                + "\"true_activations\":[0.5],\"ev_correlation_score\":null,"
                + "\"rsquared_score\":0.25,\"absolute_dev_explained_score\":-1.5,"
                + "\"dataclass_name\":\"ScoredSequenceSimulation\"}],"
                + "\"ev_correlation_score\":0.1,\"rsquared_score\":0.2,"
                + "\"absolute_dev_explained_score\":0.3,\"dataclass_name\":\"ScoredSimulation\"},"
                + "\"dataclass_name\":\"ScoredExplanation\"}],"
                + "\"dataclass_name\":\"NeuronSimulationResults\"}\n");
  }

  @Test
  void escapesStringsAsOrjsonDoes() {
    ActivationRecord record =
        new ActivationRecord(List.of("\u0000\u001f\u007f\b\f/\u2028é😀"), new double[] {0.0});

    assertThat(DatasetJson.toJson(record))
        .startsWith("{\"tokens\":[\"\\u0000\\u001f\u007f\\b\\f/\u2028é😀\"]");
  }

  /** The canonical files were written by orjson from the examples (canonical.py). */
  @ParameterizedTest
  @FieldSource("EXAMPLES")
  void writesWhatTheOriginalWritesForEveryExample(String name) throws Exception {
    DatasetDocument document = DatasetJson.readAny(example(name), name);

    String written =
        new String(DatasetJson.toBytes(document.value(), name), StandardCharsets.UTF_8);

    assertThat(written).isEqualTo(canonical(name));
  }

  @ParameterizedTest
  @FieldSource("EXAMPLES")
  void roundTripsCanonicalFilesByteForByte(String name) throws Exception {
    DatasetDocument document = DatasetJson.readAny(canonical(name), name);

    assertThat(new String(DatasetJson.toBytes(document.value(), name), StandardCharsets.UTF_8))
        .isEqualTo(canonical(name));
    assertThat(DatasetJson.readAny(DatasetJson.toJson(document.value()), "again.json"))
        .isEqualTo(document);
  }

  @Test
  void writesFilesWithANewlineOnlyForJsonLines(@TempDir Path dir) throws Exception {
    NeuronId id = new NeuronId(1, 2);
    DatasetJson.writeFile(dir.resolve("a.json"), id);
    DatasetJson.writeFile(dir.resolve("a.jsonl"), id);

    assertThat(Files.readString(dir.resolve("a.json"))).isEqualTo(DatasetJson.toJson(id));
    assertThat(Files.readString(dir.resolve("a.jsonl"))).isEqualTo(DatasetJson.toJson(id) + "\n");
  }

  @Test
  void refusesValuesThatAreNoDatasetType() {
    assertThatThrownBy(() -> DatasetJson.toJson("text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String");
  }

  @Test
  void refusesToWriteALoneSurrogate() {
    ActivationRecord record = new ActivationRecord(List.of("x\ud800"), new double[] {0.0});

    assertThatThrownBy(() -> DatasetJson.toJson(record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone UTF-16 surrogate");
  }
}
