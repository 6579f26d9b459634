package org.neuronexplainer.worker.simulate;

import java.util.ArrayList;
import java.util.List;

/**
 * A predicted activation from the model's next-token distribution (docs/method.md 4.1, step 6):
 * only the tokens that are exactly "0".."10" count, their probabilities exp(logprob) are
 * renormalized among themselves (the mass on {@code unknown} and everything else is dropped), and
 * the prediction is the expected value. Values keep the order the API listed them in.
 *
 * <p>A digit whose logprob is {@code -inf} is kept with probability 0, as in the original. When
 * every digit's probability is 0 there is nothing to renormalize: the original's expected value is
 * NaN, and here the response fails to parse ({@link SimulationParseException}), so the neuron fails
 * with the reason rather than carrying a NaN or a made-up number into its scores. A digit whose
 * logprob is NaN or {@code +inf} is not a logprob and fails the same way.
 *
 * @param values the digits found, as numbers, in API order
 * @param probabilities their renormalized probabilities
 * @param expectedValue sum of value times probability; 0 when no digit was found
 */
public record DigitDistribution(double[] values, double[] probabilities, double expectedValue) {

  /** The highest value a simulator predicts (docs/method.md 4: MAX_NORMALIZED_ACTIVATION). */
  public static final int MAX_VALUE = 10;

  /** One candidate token and its logprob. */
  public record Candidate(String token, double logprob) {}

  /**
   * The distribution over the digit tokens among {@code candidates}.
   *
   * @throws SimulationParseException if a digit's logprob is NaN or {@code +inf}, or if there are
   *     digits and all of them have probability 0
   */
  public static DigitDistribution of(List<Candidate> candidates) {
    List<double[]> kept = new ArrayList<>();
    double total = 0;
    for (Candidate candidate : candidates) {
      Integer value = digitValue(candidate.token());
      if (value == null) {
        continue;
      }
      double logprob = candidate.logprob();
      if (Double.isNaN(logprob) || logprob == Double.POSITIVE_INFINITY) {
        throw new SimulationParseException(
            "the logprob of \"" + candidate.token() + "\" is " + logprob + ", not a logprob");
      }
      double p = Math.exp(logprob);
      kept.add(new double[] {value, p});
      total += p;
    }
    if (!kept.isEmpty() && total == 0) {
      throw new SimulationParseException(
          "every one of \"0\"..\"10\" among the top logprobs has probability 0 (logprob -inf),"
              + " so there is no expected value");
    }
    double[] values = new double[kept.size()];
    double[] probabilities = new double[kept.size()];
    double ev = 0;
    for (int i = 0; i < kept.size(); i++) {
      values[i] = kept.get(i)[0];
      probabilities[i] = kept.get(i)[1] / total;
      ev += values[i] * probabilities[i];
    }
    return new DigitDistribution(values, probabilities, ev);
  }

  /** {@link #of}, with {@code where} (which slot or response) named in a parse failure. */
  static DigitDistribution at(String where, List<Candidate> candidates) {
    try {
      return of(candidates);
    } catch (SimulationParseException e) {
      throw new SimulationParseException(where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether no digit was among the candidates. The original records such a slot as EV 0 with empty
   * lists (docs/method.md 4.1, step 6); so do the simulators here, but a sequence where every slot
   * is empty is a parse failure, since then the model did not do the task at all.
   */
  public boolean isEmpty() {
    return values.length == 0;
  }

  /** 0..10 for the exact strings "0".."10", else null (" 5", "05" and "5." do not count). */
  static Integer digitValue(String token) {
    if (token == null || token.isEmpty() || token.length() > 2) {
      return null;
    }
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) < '0' || token.charAt(i) > '9') {
        return null;
      }
    }
    if (token.length() == 2 && !token.equals("10")) {
      return null;
    }
    return Integer.parseInt(token);
  }
}
