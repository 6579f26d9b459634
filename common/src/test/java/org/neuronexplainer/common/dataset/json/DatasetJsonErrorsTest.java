package org.neuronexplainer.common.dataset.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.SequenceSimulation;

class DatasetJsonErrorsTest {
  private static final String RECORD_FILE = "collated-activations/9/6236.json";

  private static DatasetFormatException readingRecord(String json) {
    return catchThrowableOfType(
        DatasetFormatException.class,
        () -> DatasetJson.read(json, RECORD_FILE, NeuronRecord.class));
  }

  private static String record(String topRecords) {
    return "{\"neuron_id\":{\"layer_index\":9,\"neuron_index\":6236},"
        + "\"most_positive_activation_records\":["
        + topRecords
        + "]}";
  }

  private static final String GOOD = "{\"tokens\":[\"a\"],\"activations\":[1.0]}";

  @Test
  void namesFileJsonPathAndLengthMismatch() {
    DatasetFormatException e =
        readingRecord(
            record(
                GOOD
                    + ","
                    + GOOD
                    + ","
                    + GOOD
                    + ",{\"tokens\":[\"a\",\"b\"],\"activations\":[1.0]}"));

    assertThat(e.source()).isEqualTo(RECORD_FILE);
    assertThat(e.jsonPath()).isEqualTo("$.most_positive_activation_records[3].activations");
    assertThat(e.problem()).isEqualTo("2 tokens but 1 activation");
    assertThat(e)
        .hasMessage(
            RECORD_FILE
                + ": $.most_positive_activation_records[3].activations: 2 tokens but 1 activation");
  }

  @Test
  void reportsAMissingField() {
    DatasetFormatException e = readingRecord(record(GOOD + ",{\"tokens\":[\"a\"]}"));

    assertThat(e)
        .hasMessage(
            RECORD_FILE
                + ": $.most_positive_activation_records[1]: missing field \"activations\" of an"
                + " ActivationRecord");
  }

  @Test
  void reportsAWrongTypeInsideAList() {
    DatasetFormatException e =
        readingRecord(record("{\"tokens\":[\"a\",\"b\"],\"activations\":[1.0,\"2\"]}"));

    assertThat(e)
        .hasMessage(
            RECORD_FILE
                + ": $.most_positive_activation_records[0].activations[1]: expected a number or"
                + " null, got a string");
  }

  @Test
  void reportsAWrongTypeOfField() {
    assertThat(readingRecord("{\"neuron_id\":{\"layer_index\":\"9\",\"neuron_index\":1}}"))
        .hasMessage(RECORD_FILE + ": $.neuron_id.layer_index: expected an integer, got a string");
    assertThat(readingRecord("{\"neuron_id\":{\"layer_index\":9.5,\"neuron_index\":1}}"))
        .hasMessage(
            RECORD_FILE + ": $.neuron_id.layer_index: expected an integer, got a number (9.5)");
    assertThat(readingRecord("{\"neuron_id\":[9, 1]}"))
        .hasMessage(RECORD_FILE + ": $.neuron_id: expected a NeuronId object, got a list");
    assertThat(
            readingRecord("{\"neuron_id\":{\"layer_index\":9,\"neuron_index\":1},\"mean\":true}"))
        .hasMessage(RECORD_FILE + ": $.mean: expected a number or null, got a boolean");
  }

  @Test
  void reportsAnUnknownField() {
    DatasetFormatException e =
        readingRecord("{\"neuron_id\":{\"layer_index\":9,\"neuron_index\":1},\"stddev\":0.1}");

    assertThat(e.jsonPath()).isEqualTo("$.stddev");
    assertThat(e.problem()).startsWith("unknown field in a NeuronRecord (its fields: neuron_id,");
  }

  @Test
  void reportsAWrongMarker() {
    DatasetFormatException nested =
        readingRecord(
            "{\"neuron_id\":{\"layer_index\":9,\"neuron_index\":1,"
                + "\"dataclass_name\":\"ActivationRecord\"}}");
    DatasetFormatException topLevel =
        catchThrowableOfType(
            DatasetFormatException.class,
            () ->
                DatasetJson.read(
                    Examples.example("explanations.jsonl"),
                    "explanations/21/2932.jsonl",
                    NeuronRecord.class));

    assertThat(nested)
        .hasMessage(
            RECORD_FILE
                + ": $.neuron_id.dataclass_name: wrong marker \"ActivationRecord\": a NeuronId is"
                + " expected here");
    assertThat(topLevel)
        .hasMessage(
            "explanations/21/2932.jsonl: $.dataclass_name: wrong marker"
                + " \"NeuronSimulationResults\": a NeuronRecord is expected here");
  }

  @Test
  void reportsAnUnknownMarker() {
    DatasetFormatException expected =
        readingRecord(
            "{\"neuron_id\":{\"layer_index\":9,\"neuron_index\":1},\"dataclass_name\":\"Neuron\"}");
    DatasetFormatException detected =
        catchThrowableOfType(
            DatasetFormatException.class,
            () -> DatasetJson.readAny("{\"a\":1,\"dataclass_name\":\"Puzzle\"}", "p.json"));

    assertThat(expected)
        .hasMessage(
            RECORD_FILE
                + ": $.dataclass_name: unknown dataclass_name \"Neuron\": a NeuronRecord is"
                + " expected here");
    assertThat(detected).hasMessage("p.json: $.dataclass_name: unknown dataclass_name \"Puzzle\"");
  }

  @Test
  void reportsKeysThatMatchNoType() {
    DatasetFormatException e =
        catchThrowableOfType(
            DatasetFormatException.class,
            () -> DatasetJson.readAny("{\"tokens\":[\"a\"]}", "t.json"));

    assertThat(e.jsonPath()).isEqualTo("$");
    assertThat(e.problem()).startsWith("no dataclass_name, and the keys [tokens] match no");
  }

  @Test
  void reportsMalformedJsonWithLineAndColumn() {
    DatasetFormatException e = readingRecord("{\n  \"neuron_id\": {\"layer_index\": 9,,}\n}");

    assertThat(e.jsonPath()).isNull();
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.column()).isEqualTo(34);
    assertThat(e.getMessage()).startsWith(RECORD_FILE + ": line 2, column 34: malformed JSON: ");
    assertThat(e.getMessage()).doesNotContain("\tat ").doesNotContain("com.fasterxml");
  }

  @Test
  void reportsTruncatedAndEmptyFilesAndTrailingContent() {
    assertThat(readingRecord("{\"neuron_id\": {\"layer_index\": 9").getMessage())
        .startsWith(RECORD_FILE + ": line 1, column 32: malformed JSON: Unexpected end-of-input");
    assertThat(readingRecord("  \n")).hasMessage(RECORD_FILE + ": empty: no JSON value");
    int secondObject = record(GOOD).length() + 2;
    assertThat(readingRecord(record(GOOD) + " {}"))
        .hasMessage(
            RECORD_FILE
                + ": line 1, column "
                + secondObject
                + ": unexpected content after the top-level JSON value");
  }

  @Test
  void reportsADuplicateKey() {
    assertThat(readingRecord("{\"mean\":1.0,\"mean\":2.0}").getMessage())
        .startsWith(RECORD_FILE + ": line 1, column 19: malformed JSON: Duplicate field 'mean'");
  }

  @Test
  void refusesTwoObjectsInAnExplanationFile() {
    String line = Examples.example("explanations.jsonl").strip();

    DatasetFormatException twoLines =
        catchThrowableOfType(
            DatasetFormatException.class,
            () ->
                DatasetJson.read(
                    line + "\n" + line + "\n", "e/1.jsonl", NeuronSimulationResults.class));
    DatasetFormatException oneLine =
        catchThrowableOfType(
            DatasetFormatException.class, () -> DatasetJson.readAny(line + line, "e/1.jsonl"));

    assertThat(twoLines)
        .hasMessage(
            "e/1.jsonl: line 2: a .jsonl explanation file holds one JSON object on one line, but"
                + " line 1 and line 2 both have content");
    assertThat(oneLine.getMessage()).contains("unexpected content after the top-level JSON value");
  }

  @Test
  void reportsSimulationInconsistencies() {
    String simulation =
        "{\"tokens\":[\"a\",\"b\"],\"expected_activations\":[1.0,2.0],"
            + "\"activation_scale\":\"%s\",\"distribution_values\":[[1.0],[2.0, 3.0]],"
            + "\"distribution_probabilities\":[[1.0],%s]}";

    assertThat(readSimulation(simulation.formatted("neuron_units", "[0.5,0.5]")))
        .hasMessage(
            "s.json: $.activation_scale: unknown activation_scale \"neuron_units\" (expected"
                + " \"neuron_activations\" or \"simulated_normalized_activations\")");
    assertThat(readSimulation(simulation.formatted("neuron_activations", "[1.0]")))
        .hasMessage("s.json: $.distribution_probabilities[1]: 2 values but 1 probability");
  }

  private static DatasetFormatException readSimulation(String json) {
    return catchThrowableOfType(
        DatasetFormatException.class,
        () -> DatasetJson.read(json, "s.json", SequenceSimulation.class));
  }

  @Test
  void reportsTrueActivationsThatDoNotMatchTheSimulation() {
    String json =
        "{\"simulation\":{\"tokens\":[\"a\"],\"expected_activations\":[1.0],"
            + "\"activation_scale\":\"neuron_activations\",\"distribution_values\":[],"
            + "\"distribution_probabilities\":[]},\"true_activations\":[1.0,2.0],"
            + "\"ev_correlation_score\":null}";

    assertThat(
            catchThrowableOfType(
                DatasetFormatException.class, () -> DatasetJson.readAny(json, "s.json")))
        .hasMessage("s.json: $.true_activations: 1 simulated token but 2 true activations");
  }

  @Test
  void reportsBadRelatedNeurons() {
    assertThat(readRelated("{\"c_fc\":null}"))
        .hasMessage("r.json: $: missing field \"c_proj\" of a RelatedNeurons");
    assertThat(
            readRelated(
                "{\"c_fc\":null,\"c_proj\":{\"top_positive_neurons\":[\"3:4\"],"
                    + "\"top_positive_weights\":[0.5]}}"))
        .hasMessage(
            "r.json: $.c_proj.top_positive_neurons[0]: expected a neuron name"
                + " \"{layer}_{neuron}\", got \"3:4\"");
    assertThat(
            readRelated(
                "{\"c_fc\":null,\"c_proj\":{\"top_positive_neurons\":[],"
                    + "\"top_positive_weights\":[],\"top_negative_neurons\":[\"1_2\"]}}"))
        .hasMessage(
            "r.json: $.c_proj.top_negative_weights: expected a list, got nothing (the field is"
                + " missing)");
  }

  private static DatasetFormatException readRelated(String json) {
    return catchThrowableOfType(
        DatasetFormatException.class, () -> DatasetJson.read(json, "r.json", RelatedNeurons.class));
  }

  @Test
  void reportsANegativeNeuronIndex() {
    assertThat(readingRecord("{\"neuron_id\":{\"layer_index\":9,\"neuron_index\":-1}}"))
        .hasMessage(RECORD_FILE + ": $.neuron_id.neuron_index: must not be negative, got -1");
  }

  @Test
  void reportsInvalidUtf8() {
    byte[] bytes = {'{', '"', (byte) 0xff, '"', ':', '1', '}'};

    DatasetFormatException e =
        catchThrowableOfType(
            DatasetFormatException.class, () -> DatasetJson.readAny(bytes, "bad.json"));

    assertThat(e.getMessage())
        .startsWith("bad.json: line 1, column ")
        .contains(": malformed JSON: Invalid UTF-8 start byte 0xff");
  }

  @Test
  void refusesALoneSurrogateInAToken() {
    assertThat(
            readingRecord(record("{\"tokens\":[\"ok\",\"x\\ud800\"],\"activations\":[1.0,2.0]}")))
        .hasMessage(
            RECORD_FILE
                + ": $.most_positive_activation_records[0].tokens[1]: a lone UTF-16 surrogate"
                + " (\\ud800) at character 1 is not text");
  }
}
