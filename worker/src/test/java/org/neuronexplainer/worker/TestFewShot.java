package org.neuronexplainer.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.fewshot.TokenSpaceExample;
import org.neuronexplainer.worker.fewshot.TokenSpaceExamples;

/**
 * The test few-shot sets under {@code src/test/resources/fewshot/}, shaped like the original's test
 * sets so that its prompt tests can be replayed: one neuron of two three-token records ("vowels"),
 * and one token-space neuron of three tokens.
 */
public final class TestFewShot {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestFewShot() {}

  /** One neuron: records a b c (10 0 0) and d e f (0 10 0), explanation "vowels". */
  public static List<FewShotExample> explanationExamples() {
    return FewShotSet.parse(read("test-explanation-examples.json")).examples();
  }

  /** One neuron: tokens red, green, blue, explanation " names of colours". */
  public static List<TokenSpaceExample> tokenSpaceExamples() {
    return TokenSpaceExamples.parse(read("test-token-space-examples.json"));
  }

  private static JsonNode read(String name) {
    try (InputStream in = TestFewShot.class.getResourceAsStream("/fewshot/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource fewshot/" + name + " is missing");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
