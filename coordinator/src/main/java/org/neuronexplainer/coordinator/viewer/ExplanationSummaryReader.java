package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * Reads only what the index needs from an explanations file (each explanation's text and score),
 * streaming past the simulations that make up nearly all of its bytes. Building the index of a full
 * GPT-2 XL store this way is several times faster than reading every file into records; the neuron
 * page still reads files in full, and shows any problem there.
 */
final class ExplanationSummaryReader {

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private ExplanationSummaryReader() {}

  static List<ExplanationEntry> read(byte[] json, NeuronId neuron) throws IOException {
    List<ExplanationEntry> entries = new ArrayList<>();
    try (JsonParser parser = FACTORY.createParser(json)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT, "the file");
      boolean found = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("scored_explanations")) {
          expect(value, JsonToken.START_ARRAY, "scored_explanations");
          found = true;
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            entries.add(explanation(parser, neuron, entries.size()));
          }
        } else {
          parser.skipChildren();
        }
      }
      if (!found) {
        throw new IOException("no scored_explanations field");
      }
    }
    return entries;
  }

  private static ExplanationEntry explanation(JsonParser parser, NeuronId neuron, int rank)
      throws IOException {
    String text = null;
    double score = Double.NaN;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("explanation")) {
        expect(value, JsonToken.VALUE_STRING, "explanation");
        text = parser.getText();
      } else if (field.equals("scored_simulation") && value == JsonToken.START_OBJECT) {
        score = score(parser);
      } else {
        parser.skipChildren();
      }
    }
    if (text == null) {
      throw new IOException("scored_explanations[" + rank + "] has no explanation");
    }
    return new ExplanationEntry(neuron, rank, text, score);
  }

  private static double score(JsonParser parser) throws IOException {
    double score = Double.NaN;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("ev_correlation_score") && value.isNumeric()) {
        score = parser.getDoubleValue();
      } else {
        parser.skipChildren();
      }
    }
    return score;
  }

  private static void expect(JsonToken actual, JsonToken wanted, String what) throws IOException {
    if (actual != wanted) {
      throw new IOException(what + " should start with " + wanted.asString() + ", found " + actual);
    }
  }
}
