package org.neuronexplainer.common.dataset.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.neuronexplainer.common.dataset.json.Examples.example;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.WeightBasedSummaryOfNeuron;

class DatasetJsonReadTest {

  @ParameterizedTest
  @CsvSource({
    "collated-activations.json, NEURON_RECORD, 21:2932",
    "collated-activations-nulls.json, NEURON_RECORD, 0:7",
    "explanations.jsonl, NEURON_SIMULATION_RESULTS, 21:2932",
    "explanations-calibrated.jsonl, NEURON_SIMULATION_RESULTS, 3:1",
    "related-tokens-activation-based.json, TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON, ",
    "related-tokens-weight-based.json, WEIGHT_BASED_SUMMARY_OF_NEURON, ",
    "related-neurons.json, RELATED_NEURONS, ",
    "related-neurons-layer0.json, RELATED_NEURONS, "
  })
  void detectsTheTypeOfEveryExample(String name, DatasetType type, String neuron) throws Exception {
    DatasetDocument document = DatasetJson.readAny(example(name), name);

    assertThat(document.type()).isEqualTo(type);
    assertThat(document.type().isFileType()).isTrue();
    assertThat(document.neuronId().map(NeuronId::toString).orElse(null)).isEqualTo(neuron);
  }

  @Test
  void readsANeuronRecord() throws Exception {
    NeuronRecord record =
        DatasetJson.read(example("collated-activations.json"), "x.json", NeuronRecord.class);

    assertThat(record.neuronId()).isEqualTo(new NeuronId(21, 2932));
    assertThat(record.randomSample()).hasSize(1);
    assertThat(record.randomSampleByQuantile()).hasSize(5);
    assertThat(record.randomSampleByQuantile().get(3).get(0).activations())
        .containsExactly(0.05, 2.4);
    assertThat(record.quantileBoundaries()).containsExactly(0.004, 0.21, 0.87, 2.1);
    assertThat(record.mean()).isEqualTo(-0.0213);
    assertThat(record.variance()).isEqualTo(0.0441);
    assertThat(record.skewness()).isEqualTo(6.37);
    assertThat(record.kurtosis()).isEqualTo(71.2);
    ActivationRecord odd = record.mostPositiveActivationRecords().get(1);
    assertThat(odd.tokens()).containsExactly("\n", "\"", "Québec", "\t\u0001", "\\");
    assertThat(odd.activations()).containsExactly(1e-7, 3.5e-6, 0.00012, -0.169, 1.5e16);
    assertThat(record.maxActivation()).isEqualTo(1.5e16);
  }

  @Test
  void readsNullFloatsAsNaN() throws Exception {
    NeuronRecord record =
        DatasetJson.read(example("collated-activations-nulls.json"), "x.json", NeuronRecord.class);

    assertThat(record.mean()).isNaN();
    assertThat(record.kurtosis()).isNaN();
    assertThat(record.randomSampleByQuantile()).isNull();
    assertThat(record.quantileBoundaries()).isNull();
    assertThat(record.mostPositiveActivationRecords().get(0).activations()[0]).isNaN();
  }

  @Test
  void readsExplanationsWithCalibrationAndWithoutDistributions() throws Exception {
    NeuronSimulationResults results =
        DatasetJson.read(
            example("explanations-calibrated.jsonl"),
            "explanations/3/1.jsonl",
            NeuronSimulationResults.class);

    assertThat(results.scoredExplanations()).hasSize(2);
    ScoredSequenceSimulation first =
        results.scoredExplanations().get(0).scoredSimulation().scoredSequenceSimulations().get(0);
    SequenceSimulation simulation = first.simulation();
    assertThat(simulation.activationScale()).isEqualTo(ActivationScale.NEURON_ACTIVATIONS);
    assertThat(simulation.distributionValues().get(1)).containsExactly(2.5, 0.0);
    assertThat(simulation.uncalibratedSimulation().activationScale())
        .isEqualTo(ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS);
    assertThat(simulation.uncalibratedSimulation().expectedActivations())
        .containsExactly(0.05, 9.0);
    assertThat(first.rsquaredScore()).isEqualTo(0.96);
    var logprobFree = results.scoredExplanations().get(1);
    assertThat(logprobFree.explanation()).isEqualTo("logprob-free");
    assertThat(logprobFree.score()).isNaN();
    assertThat(
            logprobFree
                .scoredSimulation()
                .scoredSequenceSimulations()
                .get(0)
                .simulation()
                .distributionValues())
        .isEmpty();
  }

  @Test
  void readsTokenSummaries() throws Exception {
    TokenLookupTableSummaryOfNeuron table =
        DatasetJson.read(
            example("related-tokens-activation-based.json"),
            "t.json",
            TokenLookupTableSummaryOfNeuron.class);
    WeightBasedSummaryOfNeuron weights =
        DatasetJson.read(
            example("related-tokens-weight-based.json"),
            "w.json",
            WeightBasedSummaryOfNeuron.class);

    assertThat(table.tokens()).containsExactly(" Canada", " Canadian", " Ottawa", "été");
    assertThat(table.averageActivations()[3]).isNaN();
    assertThat(weights.inputNegative().tokens()).containsExactly(" Texas", " Florida");
    assertThat(weights.outputPositive().strengths()[1]).isNaN();
  }

  @Test
  void readsRelatedNeuronsWithNullSidesAndMissingNegativeLists() throws Exception {
    RelatedNeurons full =
        DatasetJson.read(example("related-neurons.json"), "r.json", RelatedNeurons.class);
    RelatedNeurons noNegatives =
        DatasetJson.read(
            """
            {"c_fc": null, "c_proj": {"top_positive_neurons": ["1_5"], "top_positive_weights": [0.5]}}
            """,
            "r.json",
            RelatedNeurons.class);

    assertThat(full.cFc().topPositiveNeurons()).containsExactly("19_4121", "20_77");
    assertThat(full.cProj().topNegativeWeights()).containsExactly(-0.19);
    assertThat(noNegatives.cFc()).isNull();
    assertThat(noNegatives.cProj().topNegativeNeurons()).isEmpty();
    assertThat(noNegatives.cProj().topNegativeWeights()).isEmpty();
  }

  @Test
  void acceptsAndDropsAMarkerOnRelatedNeurons() throws Exception {
    DatasetDocument document =
        DatasetJson.readAny(
            """
            {"c_fc": {"top_positive_neurons": [], "top_positive_weights": [],
                      "dataclass_name": "NeuronConnections"},
             "c_proj": null, "dataclass_name": "RelatedNeurons"}
            """,
            "r.json");

    assertThat(document.type()).isEqualTo(DatasetType.RELATED_NEURONS);
    assertThat(DatasetJson.toJson(document.value()))
        .isEqualTo(
            "{\"c_fc\":{\"top_positive_neurons\":[],\"top_positive_weights\":[],"
                + "\"top_negative_neurons\":[],\"top_negative_weights\":[]},\"c_proj\":null}");
  }

  @Test
  void readsWithoutMarkersInAnyKeyOrderWithDefaultsMissing() throws Exception {
    String json =
        """
        {
          "most_positive_activation_records": [{"activations": [1.0, 2], "tokens": ["a", "b"]}],
          "mean": 0.5,
          "neuron_id": {"neuron_index": 6236, "layer_index": 9}
        }
        """;

    DatasetDocument document = DatasetJson.readAny(json, "collated-activations/9/6236.json");

    NeuronRecord record = document.as(NeuronRecord.class);
    assertThat(document.type()).isEqualTo(DatasetType.NEURON_RECORD);
    assertThat(record.neuronId()).isEqualTo(new NeuronId(9, 6236));
    assertThat(record.mean()).isEqualTo(0.5);
    assertThat(record.variance()).isNaN();
    assertThat(record.skewness()).isNaN();
    assertThat(record.kurtosis()).isNaN();
    assertThat(record.randomSample()).isEmpty();
    assertThat(record.randomSampleByQuantile()).isNull();
    assertThat(record.quantileBoundaries()).isNull();
    assertThat(record.mostPositiveActivationRecords())
        .containsExactly(new ActivationRecord(List.of("a", "b"), new double[] {1.0, 2.0}));
  }

  @Test
  void readsDefaultedScoresAndCalibrationAsMissing() throws Exception {
    ScoredSequenceSimulation scored =
        DatasetJson.read(
            """
            {"true_activations": [1.0], "ev_correlation_score": 0.25,
             "simulation": {"tokens": ["a"], "expected_activations": [3.0],
                            "activation_scale": "simulated_normalized_activations",
                            "distribution_values": [[3.0]], "distribution_probabilities": [[1.0]]}}
            """,
            "s.json",
            ScoredSequenceSimulation.class);

    assertThat(scored.evCorrelationScore()).isEqualTo(0.25);
    assertThat(scored.rsquaredScore()).isNaN();
    assertThat(scored.absoluteDevExplainedScore()).isNaN();
    assertThat(scored.simulation().uncalibratedSimulation()).isNull();
  }

  @Test
  void readsNonNumericLiteralsAsPythonsJsonModuleDoes() throws Exception {
    TokenLookupTableSummaryOfNeuron table =
        DatasetJson.read(
            "{\"tokens\":[\"a\",\"b\",\"c\"],\"average_activations\":[NaN,Infinity,-Infinity]}",
            "t.json",
            TokenLookupTableSummaryOfNeuron.class);

    assertThat(table.averageActivations())
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
  }

  @Test
  void toleratesBlankLinesAroundTheOneLineOfAnExplanationFile() throws Exception {
    String line = example("explanations.jsonl").strip();

    DatasetDocument document = DatasetJson.readAny("\n" + line + "\n\n", "explanations/1/2.jsonl");

    assertThat(document.type()).isEqualTo(DatasetType.NEURON_SIMULATION_RESULTS);
  }

  @Test
  void readsBytesAndFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("6236.json");
    Files.writeString(file, example("related-tokens-activation-based.json"));

    DatasetDocument fromFile = DatasetJson.readAny(file);
    DatasetDocument fromBytes = DatasetJson.readAny(Files.readAllBytes(file), "blob/6236.json");

    assertThat(fromFile).isEqualTo(fromBytes);
    assertThat(DatasetJson.read(file, DatasetType.TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON).value())
        .isEqualTo(fromFile.value());
  }
}
