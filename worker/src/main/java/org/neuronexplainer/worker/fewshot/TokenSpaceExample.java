package org.neuronexplainer.worker.fewshot;

import java.util.List;

/**
 * One worked neuron for the token-space explainer's few-shot mode (docs/method.md 3.5): its top
 * tokens and what they have in common.
 *
 * @param tokens the tokens as the lookup table lists them, highest first
 * @param explanation the continuation of the seed phrase, written into the prompt as it is and
 *     followed by a period; it starts with a space, since it continues the seed directly
 */
public record TokenSpaceExample(List<String> tokens, String explanation) {

  public TokenSpaceExample {
    tokens = List.copyOf(tokens);
    if (explanation == null || explanation.isBlank()) {
      throw new IllegalArgumentException("a token-space example needs an explanation");
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException(
          "token-space example \"" + explanation + "\" has no tokens");
    }
  }
}
