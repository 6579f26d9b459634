package org.neuronexplainer.worker.fewshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The test few-shot set ({@code test-examples.json} beside this class): one neuron, "vowels", with
 * two records of three tokens and one activation of 10 in each, and a single-token example; small
 * enough to write whole prompts out by hand.
 */
public final class TestFewShot {
  private TestFewShot() {}

  public static FewShotExamples examples() {
    try (InputStream in = TestFewShot.class.getResourceAsStream("test-examples.json")) {
      return FewShotSet.parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
