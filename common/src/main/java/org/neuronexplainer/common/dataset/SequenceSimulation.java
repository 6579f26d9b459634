package org.neuronexplainer.common.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A simulator's prediction for one sequence.
 *
 * @param expectedActivations the predicted activation's expected value per token, in {@code
 *     activationScale} units
 * @param distributionValues per token, the outcomes the simulator considered (in API order); an
 *     empty outer list for simulators without a distribution
 * @param distributionProbabilities per token, the probabilities of those outcomes
 * @param uncalibratedSimulation after calibration, the raw result; null otherwise
 */
public record SequenceSimulation(
    List<String> tokens,
    double[] expectedActivations,
    ActivationScale activationScale,
    List<double[]> distributionValues,
    List<double[]> distributionProbabilities,
    SequenceSimulation uncalibratedSimulation) {

  public SequenceSimulation {
    tokens = List.copyOf(tokens);
    expectedActivations = expectedActivations.clone();
    Objects.requireNonNull(activationScale, "activationScale");
    distributionValues = Floats.copyAll(distributionValues);
    distributionProbabilities = Floats.copyAll(distributionProbabilities);
    if (tokens.size() != expectedActivations.length) {
      throw new IllegalArgumentException(
          "tokens and expected_activations differ in length: "
              + tokens.size()
              + " tokens, "
              + expectedActivations.length
              + " expected activations");
    }
    if (distributionValues.size() != distributionProbabilities.size()) {
      throw new IllegalArgumentException(
          "distribution_values and distribution_probabilities differ in length: "
              + distributionValues.size()
              + " and "
              + distributionProbabilities.size());
    }
    if (!distributionValues.isEmpty() && distributionValues.size() != tokens.size()) {
      throw new IllegalArgumentException(
          "distribution_values must be empty or have one entry per token: "
              + distributionValues.size()
              + " entries, "
              + tokens.size()
              + " tokens");
    }
    for (int i = 0; i < distributionValues.size(); i++) {
      if (distributionValues.get(i).length != distributionProbabilities.get(i).length) {
        throw new IllegalArgumentException(
            "distribution_values["
                + i
                + "] and distribution_probabilities["
                + i
                + "] differ in length");
      }
    }
  }

  @Override
  public double[] expectedActivations() {
    return expectedActivations.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SequenceSimulation other
        && tokens.equals(other.tokens)
        && Floats.same(expectedActivations, other.expectedActivations)
        && activationScale == other.activationScale
        && Floats.sameAll(distributionValues, other.distributionValues)
        && Floats.sameAll(distributionProbabilities, other.distributionProbabilities)
        && Objects.equals(uncalibratedSimulation, other.uncalibratedSimulation);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        tokens,
        Arrays.hashCode(expectedActivations),
        activationScale,
        Floats.hashAll(distributionValues),
        Floats.hashAll(distributionProbabilities),
        uncalibratedSimulation);
  }
}
