package org.neuronexplainer.common.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Tokens with one strength each (NaN where the file has null). */
public record TokensAndWeights(List<String> tokens, double[] strengths) {

  public TokensAndWeights {
    tokens = List.copyOf(tokens);
    strengths = strengths.clone();
    if (tokens.size() != strengths.length) {
      throw new IllegalArgumentException(
          "tokens and strengths differ in length: "
              + tokens.size()
              + " tokens, "
              + strengths.length
              + " strengths");
    }
  }

  @Override
  public double[] strengths() {
    return strengths.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokensAndWeights other
        && tokens.equals(other.tokens)
        && Floats.same(strengths, other.strengths);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tokens, Arrays.hashCode(strengths));
  }
}
