package org.neuronexplainer.common.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One text excerpt and one neuron's activation on each of its tokens.
 *
 * <p>Tokens are the subject model's tokens decoded to text, leading spaces kept, so that joining
 * them gives the excerpt back. Activations are raw MLP post-activation values (may be negative).
 */
public record ActivationRecord(List<String> tokens, double[] activations) {

  public ActivationRecord {
    tokens = List.copyOf(tokens);
    activations = activations.clone();
    if (tokens.size() != activations.length) {
      throw new IllegalArgumentException(
          "tokens and activations differ in length: "
              + tokens.size()
              + " tokens, "
              + activations.length
              + " activations");
    }
  }

  /** The excerpt's text: its tokens joined. */
  public String text() {
    return String.join("", tokens);
  }

  /** The largest activation in this record, or NaN for an empty record. */
  public double maxActivation() {
    return Arrays.stream(activations).max().orElse(Double.NaN);
  }

  /** The activation of token {@code index}. */
  public double activation(int index) {
    return activations[index];
  }

  /** The number of tokens. */
  public int length() {
    return activations.length;
  }

  @Override
  public double[] activations() {
    return activations.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationRecord other
        && tokens.equals(other.tokens)
        && Floats.same(activations, other.activations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tokens, Arrays.hashCode(activations));
  }

  @Override
  public String toString() {
    return "ActivationRecord" + tokens + Arrays.toString(activations);
  }
}
