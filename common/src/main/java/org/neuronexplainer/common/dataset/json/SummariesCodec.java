package org.neuronexplainer.common.dataset.json;

import static org.neuronexplainer.common.dataset.json.DatasetType.NEURON_CONNECTIONS;
import static org.neuronexplainer.common.dataset.json.DatasetType.RELATED_NEURONS;
import static org.neuronexplainer.common.dataset.json.DatasetType.TOKENS_AND_WEIGHTS;
import static org.neuronexplainer.common.dataset.json.DatasetType.TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON;
import static org.neuronexplainer.common.dataset.json.DatasetType.WEIGHT_BASED_SUMMARY_OF_NEURON;

import java.util.List;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.NeuronConnections;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.TokensAndWeights;
import org.neuronexplainer.common.dataset.WeightBasedSummaryOfNeuron;

/** JSON of the related-tokens and related-neurons files. */
final class SummariesCodec {
  private static final Pattern NEURON_NAME = Pattern.compile("\\d+_\\d+");

  private SummariesCodec() {}

  static TokensAndWeights readTokensAndWeights(JsonFields f) throws DatasetFormatException {
    List<String> tokens = f.strings("tokens");
    double[] strengths = f.numbers("strengths");
    Lengths.requireSame(f, "strengths", tokens.size(), "token", strengths.length, "strength");
    return new TokensAndWeights(tokens, strengths);
  }

  static void write(TokensAndWeights value, CompactJsonWriter w) {
    w.beginObject();
    w.strings("tokens", value.tokens());
    w.numbers("strengths", value.strengths());
    w.endWithMarker(TOKENS_AND_WEIGHTS);
  }

  static WeightBasedSummaryOfNeuron readWeightBasedSummary(JsonFields f)
      throws DatasetFormatException {
    return new WeightBasedSummaryOfNeuron(
        f.object("input_positive", TOKENS_AND_WEIGHTS, SummariesCodec::readTokensAndWeights),
        f.object("input_negative", TOKENS_AND_WEIGHTS, SummariesCodec::readTokensAndWeights),
        f.object("output_positive", TOKENS_AND_WEIGHTS, SummariesCodec::readTokensAndWeights),
        f.object("output_negative", TOKENS_AND_WEIGHTS, SummariesCodec::readTokensAndWeights));
  }

  static void write(WeightBasedSummaryOfNeuron value, CompactJsonWriter w) {
    w.beginObject();
    w.name("input_positive");
    write(value.inputPositive(), w);
    w.name("input_negative");
    write(value.inputNegative(), w);
    w.name("output_positive");
    write(value.outputPositive(), w);
    w.name("output_negative");
    write(value.outputNegative(), w);
    w.endWithMarker(WEIGHT_BASED_SUMMARY_OF_NEURON);
  }

  static TokenLookupTableSummaryOfNeuron readTokenLookupTable(JsonFields f)
      throws DatasetFormatException {
    List<String> tokens = f.strings("tokens");
    double[] averages = f.numbers("average_activations");
    Lengths.requireSame(
        f, "average_activations", tokens.size(), "token", averages.length, "average activation");
    return new TokenLookupTableSummaryOfNeuron(tokens, averages);
  }

  static void write(TokenLookupTableSummaryOfNeuron value, CompactJsonWriter w) {
    w.beginObject();
    w.strings("tokens", value.tokens());
    w.numbers("average_activations", value.averageActivations());
    w.endWithMarker(TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON);
  }

  /** Both sides are required keys; either may be null (first layer, last layer). */
  static RelatedNeurons readRelatedNeurons(JsonFields f) throws DatasetFormatException {
    return new RelatedNeurons(
        f.objectOrNull("c_fc", NEURON_CONNECTIONS, SummariesCodec::readConnections),
        f.objectOrNull("c_proj", NEURON_CONNECTIONS, SummariesCodec::readConnections));
  }

  static void write(RelatedNeurons value, CompactJsonWriter w) {
    w.beginObject();
    w.name("c_fc");
    writeOrNull(value.cFc(), w);
    w.name("c_proj");
    writeOrNull(value.cProj(), w);
    w.endWithMarker(RELATED_NEURONS);
  }

  /** The negative lists may be missing (their key names are inferred): read as empty. */
  static NeuronConnections readConnections(JsonFields f) throws DatasetFormatException {
    List<String> positive = neuronNames(f, "top_positive_neurons");
    double[] positiveWeights = f.numbers("top_positive_weights");
    Lengths.requireSame(
        f, "top_positive_weights", positive.size(), "neuron", positiveWeights.length, "weight");
    boolean hasNegative =
        !f.isAbsentOrNull("top_negative_neurons") || !f.isAbsentOrNull("top_negative_weights");
    List<String> negative = hasNegative ? neuronNames(f, "top_negative_neurons") : List.of();
    double[] negativeWeights = hasNegative ? f.numbers("top_negative_weights") : new double[0];
    Lengths.requireSame(
        f, "top_negative_weights", negative.size(), "neuron", negativeWeights.length, "weight");
    return new NeuronConnections(positive, positiveWeights, negative, negativeWeights);
  }

  private static List<String> neuronNames(JsonFields f, String field)
      throws DatasetFormatException {
    List<String> names = f.strings(field);
    for (int i = 0; i < names.size(); i++) {
      if (!NEURON_NAME.matcher(names.get(i)).matches()) {
        throw DatasetFormatException.atPath(
            f.source(),
            f.pathOf(field) + "[" + i + "]",
            "expected a neuron name \"{layer}_{neuron}\", got \"" + names.get(i) + "\"");
      }
    }
    return names;
  }

  private static void writeOrNull(NeuronConnections value, CompactJsonWriter w) {
    if (value == null) {
      w.nullValue();
    } else {
      write(value, w);
    }
  }

  static void write(NeuronConnections value, CompactJsonWriter w) {
    w.beginObject();
    w.strings("top_positive_neurons", value.topPositiveNeurons());
    w.numbers("top_positive_weights", value.topPositiveWeights());
    w.strings("top_negative_neurons", value.topNegativeNeurons());
    w.numbers("top_negative_weights", value.topNegativeWeights());
    w.endWithMarker(NEURON_CONNECTIONS);
  }
}
