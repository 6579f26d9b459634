package org.neuronexplainer.worker.fewshot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.neuronexplainer.common.dataset.ActivationRecord;

/**
 * The few-shot file format, the same for the bundled sets and a user's file (docs/llm.md, "Prompt
 * texts and few-shot sets"): a JSON object with {@code examples} (worked neurons, each an {@code
 * explanation}, {@code records} of {@code tokens} and raw {@code activations}, and optionally
 * {@code first_revealed_activation_indices}, default 0 for every record), optionally {@code
 * single_token_example} (one such neuron with {@code token_index_to_score}) and optionally {@code
 * token_space_examples} (each {@code tokens} and {@code explanation}). Unknown fields are errors,
 * so a misspelt one is not silently ignored.
 */
public final class FewShotFile {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private static final Set<String> TOP =
      Set.of("description", "examples", "single_token_example", "token_space_examples");
  private static final Set<String> EXAMPLE =
      Set.of("explanation", "records", "first_revealed_activation_indices", "token_index_to_score");
  private static final Set<String> RECORD = Set.of("tokens", "activations");
  private static final Set<String> TOKEN_SPACE = Set.of("tokens", "explanation");

  private FewShotFile() {}

  /** The set in {@code file}. */
  public static FewShotExamples read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new FewShotFormatException(file + ": cannot read the few-shot set: " + e, e);
    }
    return parse(bytes, file.toString());
  }

  /**
   * The set in {@code json}.
   *
   * @param source how errors name the file
   * @throws FewShotFormatException naming {@code source}, the example and the problem
   */
  public static FewShotExamples parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String at =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new FewShotFormatException(
          source + ": not valid JSON: " + e.getOriginalMessage() + at, e);
    } catch (IOException e) {
      throw new FewShotFormatException(source + ": cannot read the few-shot set: " + e, e);
    }
    return parse(root, source);
  }

  static FewShotExamples parse(JsonNode root, String source) {
    String where = "the set";
    try {
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("a few-shot set must be a JSON object");
      }
      knownFields(root, TOP);
      List<FewShotExample> examples = new ArrayList<>();
      JsonNode list = root.get("examples");
      if (list != null && !list.isNull()) {
        requireArray(list, "examples");
        for (int i = 0; i < list.size(); i++) {
          where = "examples[" + i + "]";
          examples.add(example(list.get(i), false));
        }
      }
      where = "single_token_example";
      JsonNode single = root.get("single_token_example");
      FewShotExample singleToken = single == null || single.isNull() ? null : example(single, true);
      if (singleToken != null && singleToken.tokenIndexToScore() == null) {
        throw new IllegalArgumentException("needs token_index_to_score");
      }
      List<TokenSpaceExample> tokenSpace = new ArrayList<>();
      JsonNode tokenList = root.get("token_space_examples");
      if (tokenList != null && !tokenList.isNull()) {
        requireArray(tokenList, "token_space_examples");
        for (int i = 0; i < tokenList.size(); i++) {
          where = "token_space_examples[" + i + "]";
          JsonNode node = tokenList.get(i);
          knownFields(node, TOKEN_SPACE);
          tokenSpace.add(
              new TokenSpaceExample(
                  strings(required(node, "tokens"), "tokens"),
                  textual(required(node, "explanation"), "explanation")));
        }
      }
      where = "the set";
      return new FewShotExamples(examples, singleToken, tokenSpace);
    } catch (IllegalArgumentException e) {
      throw new FewShotFormatException(source + ": " + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * One worked neuron; for the single-token example, whose revealed indices nothing reads, an empty
   * {@code first_revealed_activation_indices} (as the original's single-token examples have) is the
   * default.
   */
  private static FewShotExample example(JsonNode node, boolean singleToken) {
    knownFields(node, EXAMPLE);
    List<ActivationRecord> records = new ArrayList<>();
    JsonNode list = required(node, "records");
    requireArray(list, "records");
    for (int r = 0; r < list.size(); r++) {
      JsonNode record = list.get(r);
      knownFields(record, RECORD);
      List<String> tokens = strings(required(record, "tokens"), "records[" + r + "].tokens");
      JsonNode activations = required(record, "activations");
      requireArray(activations, "records[" + r + "].activations");
      double[] values = new double[activations.size()];
      for (int i = 0; i < values.length; i++) {
        if (!activations.get(i).isNumber()) {
          throw new IllegalArgumentException(
              "records[" + r + "].activations[" + i + "] is not a number");
        }
        values[i] = activations.get(i).doubleValue();
      }
      try {
        records.add(new ActivationRecord(tokens, values));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("records[" + r + "]: " + e.getMessage(), e);
      }
    }
    List<Integer> revealed = new ArrayList<>();
    JsonNode indices = node.get("first_revealed_activation_indices");
    if (indices == null || indices.isNull() || singleToken && indices.isEmpty()) {
      records.forEach(record -> revealed.add(0));
    } else {
      requireArray(indices, "first_revealed_activation_indices");
      indices.forEach(i -> revealed.add(integer(i, "first_revealed_activation_indices")));
    }
    JsonNode toScore = node.get("token_index_to_score");
    return new FewShotExample(
        textual(required(node, "explanation"), "explanation"),
        records,
        revealed,
        toScore == null || toScore.isNull() ? null : integer(toScore, "token_index_to_score"));
  }

  private static void knownFields(JsonNode node, Set<String> known) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object, got " + node.getNodeType());
    }
    node.fieldNames()
        .forEachRemaining(
            field -> {
              if (!known.contains(field)) {
                throw new IllegalArgumentException(
                    "unknown field \"" + field + "\" (expected " + String.join(", ", known) + ")");
              }
            });
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing \"" + field + "\"");
    }
    return value;
  }

  private static void requireArray(JsonNode node, String what) {
    if (!node.isArray()) {
      throw new IllegalArgumentException(what + " must be a list");
    }
  }

  private static List<String> strings(JsonNode node, String what) {
    requireArray(node, what);
    List<String> out = new ArrayList<>();
    node.forEach(token -> out.add(textual(token, what + " entry")));
    return out;
  }

  private static int integer(JsonNode node, String what) {
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw new IllegalArgumentException(what + " must hold whole numbers, got " + node);
    }
    return node.intValue();
  }

  private static String textual(JsonNode node, String what) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException(what + " is not a string: " + node);
    }
    return node.textValue();
  }
}
