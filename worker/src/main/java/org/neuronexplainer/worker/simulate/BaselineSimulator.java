package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.prompt.RequestBodies;

/**
 * A simulator with no model: it predicts from the tokens the explanation names. Every double-quoted
 * string in the explanation, read as a JSON string literal (which is how {@code BaselineExplainer}
 * writes tokens), names a token; a sequence token that equals a named one, ignoring surrounding
 * whitespace and case, is predicted {@link DigitDistribution#MAX_VALUE}, every other token 0. An
 * explanation that names nothing predicts 0 everywhere, whose correlation score is undefined
 * (null), not 0. No distributions: the prediction is a point value.
 */
public final class BaselineSimulator implements Simulator {
  private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Override
  public CompletionStage<SequenceSimulation> simulate(String explanation, List<String> tokens) {
    return CompletableFuture.completedFuture(simulateNow(explanation, tokens));
  }

  /** The simulation, computed directly. */
  public SequenceSimulation simulateNow(String explanation, List<String> tokens) {
    List<String> named = namedTokens(explanation);
    double[] expected = new double[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      String key = key(tokens.get(i));
      if (!key.isEmpty() && named.contains(key)) {
        expected[i] = DigitDistribution.MAX_VALUE;
      }
    }
    return SimulationPrompts.simulation(tokens, expected, List.of(), List.of());
  }

  /** The quoted tokens of {@code explanation}, compared by {@link #key}. */
  static List<String> namedTokens(String explanation) {
    List<String> named = new ArrayList<>();
    Matcher matcher = QUOTED.matcher(explanation);
    while (matcher.find()) {
      named.add(key(unquote(matcher.group())));
    }
    return named;
  }

  private static String unquote(String literal) {
    try {
      return RequestBodies.JSON.readValue(literal, String.class);
    } catch (JsonProcessingException e) {
      // Not a valid JSON literal (e.g. a raw control character): take the text between quotes.
      return literal.substring(1, literal.length() - 1);
    }
  }

  private static String key(String token) {
    return token.strip().toLowerCase(Locale.ROOT);
  }
}
