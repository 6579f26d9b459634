package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.worker.prompt.RequestBodies;

/** Strict reading of the JSON simulator's reply (see {@link JsonSimulator}). */
final class JsonActivations {
  private JsonActivations() {}

  /** The activations of a reply for a sequence of {@code length} tokens. */
  static double[] read(String reply, int length) {
    return activations(root(reply), length, "the reply");
  }

  /**
   * The activations of a reply for several sequences of the given {@code lengths} (see {@link
   * JsonMultiSimulator}): a {@code documents} list with one object per sequence, in order, each
   * read as {@link #read} reads a single reply. A missing, extra or short document fails the whole
   * reply.
   */
  static List<double[]> readAll(String reply, List<Integer> lengths) {
    JsonNode documents = root(reply).get("documents");
    if (documents == null || !documents.isArray()) {
      throw new SimulationParseException("the reply has no \"documents\" list");
    }
    if (documents.size() != lengths.size()) {
      throw new SimulationParseException(
          "the reply has " + documents.size() + " documents for " + lengths.size() + " sequences");
    }
    List<double[]> all = new ArrayList<>(lengths.size());
    for (int d = 0; d < lengths.size(); d++) {
      JsonNode document = documents.get(d);
      if (!document.isObject()) {
        throw new SimulationParseException("document " + d + " is not an object: " + document);
      }
      all.add(activations(document, lengths.get(d), "document " + d));
    }
    return all;
  }

  private static JsonNode root(String reply) {
    JsonNode root;
    try {
      root = RequestBodies.JSON.readTree(unfenced(reply));
    } catch (JsonProcessingException e) {
      throw new SimulationParseException("the reply is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new SimulationParseException("the reply is not a JSON object");
    }
    return root;
  }

  private static double[] activations(JsonNode object, int length, String where) {
    JsonNode activations = object.get("activations");
    if (activations == null || !activations.isArray()) {
      throw new SimulationParseException(where + " has no \"activations\" list");
    }
    if (activations.size() != length) {
      throw new SimulationParseException(
          where + " has " + activations.size() + " activations for " + length + " tokens");
    }
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      JsonNode item = activations.get(i);
      if (!item.isObject() || !item.has("token") || !item.has("activation")) {
        throw new SimulationParseException(
            "activation " + i + " is not an object with \"token\" and \"activation\": " + item);
      }
      JsonNode value = item.get("activation");
      if (!value.isNumber()) {
        throw new SimulationParseException("activation " + i + " is not a number: " + value);
      }
      double number = value.doubleValue();
      if (!(number >= 0 && number <= DigitDistribution.MAX_VALUE)) {
        throw new SimulationParseException("activation " + i + " is outside 0..10: " + value);
      }
      values[i] = number;
    }
    return values;
  }

  /** The reply without a surrounding Markdown code fence, which chat models often add. */
  static String unfenced(String reply) {
    String text = reply.strip();
    if (text.startsWith("```") && text.endsWith("```") && text.length() >= 6) {
      int firstLine = text.indexOf('\n');
      if (firstLine > 0) {
        return text.substring(firstLine + 1, text.length() - 3);
      }
    }
    return text;
  }
}
