package org.neuronexplainer.worker.fewshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.common.dataset.ActivationRecord;

/**
 * The bundled few-shot sets, data files under {@code org/neuronexplainer/worker/fewshot/}, written
 * for this project with the structure docs/method.md 3.4 describes. They are read and validated on
 * first use; a malformed file is a build defect and fails loudly.
 */
public enum FewShotSet {
  /**
   * Three neurons with two records each and first revealed indices: for the token-activation-pair
   * explainer and the all-at-once simulator (the role of the original's ORIGINAL set).
   */
  EXPLANATION("explanation-examples.json"),
  /**
   * Two neurons with longer records plus a single-token worked example: for the one-at-a-time and
   * JSON simulators (the role of the original's NEWER set).
   */
  SIMULATION("simulation-examples.json");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String resource;
  private volatile FewShotExamples loaded;

  FewShotSet(String resource) {
    this.resource = resource;
  }

  /** This set's examples, loaded once. */
  public FewShotExamples examples() {
    FewShotExamples examples = loaded;
    if (examples == null) {
      examples = load();
      loaded = examples;
    }
    return examples;
  }

  private FewShotExamples load() {
    try (InputStream in = FewShotSet.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("few-shot resource " + resource + " is missing");
      }
      return parse(MAPPER.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read few-shot resource " + resource, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("few-shot resource " + resource + " is invalid", e);
    }
  }

  /** The examples of a few-shot document in the format of the bundled sets. */
  public static FewShotExamples parse(JsonNode root) {
    List<FewShotExample> examples = new ArrayList<>();
    for (JsonNode example : required(root, "examples")) {
      examples.add(example(example));
    }
    JsonNode single = root.get("single_token_example");
    FewShotExample singleToken = single == null || single.isNull() ? null : example(single);
    if (singleToken != null && singleToken.tokenIndexToScore() == null) {
      throw new IllegalArgumentException("the single-token example needs token_index_to_score");
    }
    return new FewShotExamples(examples, singleToken);
  }

  private static FewShotExample example(JsonNode node) {
    List<ActivationRecord> records = new ArrayList<>();
    for (JsonNode record : required(node, "records")) {
      List<String> tokens = new ArrayList<>();
      required(record, "tokens").forEach(token -> tokens.add(textual(token, "token")));
      JsonNode activations = required(record, "activations");
      double[] values = new double[activations.size()];
      for (int i = 0; i < values.length; i++) {
        if (!activations.get(i).isNumber()) {
          throw new IllegalArgumentException("activation " + i + " is not a number");
        }
        values[i] = activations.get(i).doubleValue();
      }
      records.add(new ActivationRecord(tokens, values));
    }
    List<Integer> revealed = new ArrayList<>();
    required(node, "first_revealed_activation_indices").forEach(i -> revealed.add(i.intValue()));
    JsonNode toScore = node.get("token_index_to_score");
    return new FewShotExample(
        textual(required(node, "explanation"), "explanation"),
        records,
        revealed,
        toScore == null || toScore.isNull() ? null : toScore.intValue());
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing \"" + field + "\"");
    }
    return value;
  }

  private static String textual(JsonNode node, String what) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException(what + " is not a string: " + node);
    }
    return node.textValue();
  }
}
