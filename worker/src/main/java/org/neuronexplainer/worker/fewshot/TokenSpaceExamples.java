package org.neuronexplainer.worker.fewshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The token-space explainer's few-shot examples (docs/method.md 3.5): a JSON object whose {@code
 * examples} array holds objects with {@code tokens} (strings) and {@code explanation}. The bundled
 * set, {@code token-space-examples.json}, is written for this project.
 */
public final class TokenSpaceExamples {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BUNDLED = "token-space-examples.json";

  private static volatile List<TokenSpaceExample> bundled;

  private TokenSpaceExamples() {}

  /** The bundled examples, loaded once; a malformed file is a build defect and fails loudly. */
  public static List<TokenSpaceExample> bundled() {
    List<TokenSpaceExample> examples = bundled;
    if (examples == null) {
      examples = load();
      bundled = examples;
    }
    return examples;
  }

  private static List<TokenSpaceExample> load() {
    try (InputStream in = TokenSpaceExamples.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("few-shot resource " + BUNDLED + " is missing");
      }
      return parse(MAPPER.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read few-shot resource " + BUNDLED, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("few-shot resource " + BUNDLED + " is invalid", e);
    }
  }

  /**
   * The examples of a token-space few-shot document.
   *
   * @throws IllegalArgumentException when a field is missing or not of its type
   */
  public static List<TokenSpaceExample> parse(JsonNode root) {
    JsonNode array = root.get("examples");
    if (array == null || !array.isArray() || array.isEmpty()) {
      throw new IllegalArgumentException("a token-space few-shot set needs an \"examples\" array");
    }
    List<TokenSpaceExample> examples = new ArrayList<>();
    for (JsonNode example : array) {
      JsonNode tokens = example.get("tokens");
      JsonNode explanation = example.get("explanation");
      if (tokens == null || !tokens.isArray()) {
        throw new IllegalArgumentException("a token-space example needs a \"tokens\" array");
      }
      if (explanation == null || !explanation.isTextual()) {
        throw new IllegalArgumentException("a token-space example needs an \"explanation\" string");
      }
      List<String> texts = new ArrayList<>();
      for (JsonNode token : tokens) {
        if (!token.isTextual()) {
          throw new IllegalArgumentException("token is not a string: " + token);
        }
        texts.add(token.textValue());
      }
      examples.add(new TokenSpaceExample(texts, explanation.textValue()));
    }
    return List.copyOf(examples);
  }
}
