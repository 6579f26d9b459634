package org.neuronexplainer.worker.revise;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One excerpt an explanation got wrong.
 *
 * @param scorer the scorer that got it wrong: {@code simulation}, {@code detection} or {@code
 *     fuzzing}
 * @param missed true for a missed activation (the neuron fires, the scorer said it does not), false
 *     for a false alarm
 * @param tokens the excerpt's tokens
 * @param activations the neuron's activations on them, or null where the scorer's sample does not
 *     tell them
 * @param marked the positions shown marked, ascending: for a missed activation the tokens that fire
 *     (at least half of the excerpt's peak); for a false alarm the tokens the scorer took to fire
 *     (the simulation's predictions of at least {@value Disagreements#PREDICTED_FIRES}, fuzzing's
 *     highlighted tokens), none for detection, which judges the excerpt as a whole
 */
public record Disagreement(
    String scorer,
    boolean missed,
    List<String> tokens,
    double[] activations,
    List<Integer> marked) {

  public Disagreement {
    Objects.requireNonNull(scorer, "scorer");
    tokens = List.copyOf(tokens);
    activations = activations == null ? null : activations.clone();
    if (activations != null && activations.length != tokens.size()) {
      throw new IllegalArgumentException(
          activations.length + " activations for " + tokens.size() + " tokens");
    }
    marked = List.copyOf(marked);
    for (int position : marked) {
      if (position < 0 || position >= tokens.size()) {
        throw new IllegalArgumentException(
            "marked position " + position + " is outside the tokens");
      }
    }
  }

  @Override
  public double[] activations() {
    return activations == null ? null : activations.clone();
  }

  /** The token the excerpt peaks at: the highest activation, else the first marked token; null. */
  public String peakToken() {
    if (activations != null && activations.length > 0) {
      int peak = 0;
      for (int t = 1; t < activations.length; t++) {
        peak = activations[t] > activations[peak] ? t : peak;
      }
      if (activations[peak] > 0) {
        return tokens.get(peak);
      }
    }
    return marked.isEmpty() ? null : tokens.get(marked.get(0));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Disagreement other
        && scorer.equals(other.scorer)
        && missed == other.missed
        && tokens.equals(other.tokens)
        && Arrays.equals(activations, other.activations)
        && marked.equals(other.marked);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scorer, missed, tokens, Arrays.hashCode(activations), marked);
  }
}
