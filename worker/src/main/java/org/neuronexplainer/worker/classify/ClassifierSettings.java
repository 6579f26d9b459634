package org.neuronexplainer.worker.classify;

import org.neuronexplainer.common.run.RunSpec;

/**
 * How the classification scorers draw and send their excerpts (docs/method.md 15.1).
 *
 * @param quantiles how many equal-rank buckets the activating candidates are cut into, weakest to
 *     strongest
 * @param perQuantile activating excerpts drawn from each bucket (all of a smaller bucket)
 * @param nonActivating silent excerpts per detection sample, hard ones first
 * @param hardNegatives at most this many of them are hard: silent excerpts that contain one of the
 *     top excerpts' most frequent peak tokens
 * @param excerptsPerCall excerpts in one call to the scorer model
 * @param activeFraction a token fires when its activation is above this fraction of the neuron's
 *     max; an excerpt activates when one of its tokens fires, and fuzzing highlights those tokens
 * @param silentFraction an excerpt is silent when its max activation is at most this fraction of
 *     the neuron's max
 * @param logprobs whether the requests ask for logprobs, from which each excerpt gets a probability
 * @param maxAttempts attempts per call when the answer does not parse
 */
public record ClassifierSettings(
    int quantiles,
    int perQuantile,
    int nonActivating,
    int hardNegatives,
    int excerptsPerCall,
    double activeFraction,
    double silentFraction,
    boolean logprobs,
    int maxAttempts) {

  public ClassifierSettings {
    atLeast("quantiles", quantiles, 1);
    atLeast("perQuantile", perQuantile, 1);
    atLeast("nonActivating", nonActivating, 0);
    atLeast("hardNegatives", hardNegatives, 0);
    atLeast("excerptsPerCall", excerptsPerCall, 1);
    atLeast("maxAttempts", maxAttempts, 1);
    if (!(activeFraction > 0 && activeFraction < 1)) {
      throw new IllegalArgumentException(
          "activeFraction must be between 0 and 1 (exclusive), got " + activeFraction);
    }
    if (!(silentFraction >= 0 && silentFraction <= activeFraction)) {
      throw new IllegalArgumentException(
          "silentFraction must be between 0 and activeFraction ("
              + activeFraction
              + "), got "
              + silentFraction);
    }
    if (hardNegatives > nonActivating) {
      throw new IllegalArgumentException(
          "hardNegatives ("
              + hardNegatives
              + ") cannot exceed nonActivating ("
              + nonActivating
              + ")");
    }
  }

  /**
   * The project's defaults: 5 buckets of 2 activating excerpts, 10 silent ones of which up to 3
   * hard, 10 excerpts a call, firing above 30% of the max, silent at or below 10%, logprobs asked.
   */
  public static ClassifierSettings defaults() {
    return new ClassifierSettings(5, 2, 10, 3, 10, 0.3, 0.1, true, 3);
  }

  /** The defaults with the run's excerpts per call, where its spec sets them. */
  public static ClassifierSettings forRun(RunSpec spec) {
    return spec.excerptsPerCall() == null
        ? defaults()
        : defaults().withExcerptsPerCall(spec.excerptsPerCall());
  }

  public ClassifierSettings withExcerptsPerCall(int count) {
    return new ClassifierSettings(
        quantiles,
        perQuantile,
        nonActivating,
        hardNegatives,
        count,
        activeFraction,
        silentFraction,
        logprobs,
        maxAttempts);
  }

  public ClassifierSettings withLogprobs(boolean ask) {
    return new ClassifierSettings(
        quantiles,
        perQuantile,
        nonActivating,
        hardNegatives,
        excerptsPerCall,
        activeFraction,
        silentFraction,
        ask,
        maxAttempts);
  }

  /** The most activating excerpts a sample holds. */
  public int activating() {
    return quantiles * perQuantile;
  }

  private static void atLeast(String name, int value, int least) {
    if (value < least) {
      throw new IllegalArgumentException(name + " must be at least " + least + ", got " + value);
    }
  }
}
