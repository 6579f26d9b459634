package org.neuronexplainer.worker.classify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Each excerpt's probability of a yes, from the logprobs of a chat answer (docs/method.md 15.3).
 *
 * <p>The answer's tokens are walked in order; a token that is a digit 0 or 1 once brackets, commas,
 * spaces and backticks are removed is the next excerpt's answer. Its probability of a 1 is the
 * probability mass of the alternatives that read 1, divided by that of the alternatives that read 0
 * or 1 ({@code top_logprobs}); without alternatives, exp(logprob) of the chosen token, or one minus
 * it when the chosen token is 0. When the digits found are not exactly the parsed answers (a token
 * that holds two digits, a model that spelled the list oddly), no excerpt gets a probability.
 */
final class AnswerLogprobs {
  private AnswerLogprobs() {}

  /** One probability per answer, or null when the logprobs are missing or do not line up. */
  static List<Double> probabilities(JsonNode logprobs, List<Boolean> answers) {
    JsonNode content = logprobs.path("content");
    if (!content.isArray()) {
      return null;
    }
    List<Double> probabilities = new ArrayList<>(answers.size());
    for (JsonNode entry : content) {
      String digit = digit(entry.path("token").asText(""));
      if (digit == null) {
        continue;
      }
      int at = probabilities.size();
      if (at >= answers.size() || answers.get(at) != digit.equals("1")) {
        return null;
      }
      Double probability = probabilityOfOne(entry, digit);
      if (probability == null) {
        return null;
      }
      probabilities.add(probability);
    }
    return probabilities.size() == answers.size() ? List.copyOf(probabilities) : null;
  }

  private static Double probabilityOfOne(JsonNode entry, String chosen) {
    JsonNode alternatives = entry.path("top_logprobs");
    double one = 0;
    double either = 0;
    if (alternatives.isArray()) {
      for (JsonNode alternative : alternatives) {
        String digit = digit(alternative.path("token").asText(""));
        JsonNode logprob = alternative.path("logprob");
        if (digit == null || !logprob.isNumber()) {
          continue;
        }
        double p = Math.exp(logprob.doubleValue());
        either += p;
        one += digit.equals("1") ? p : 0;
      }
    }
    if (either > 0) {
      return one / either;
    }
    JsonNode logprob = entry.path("logprob");
    if (!logprob.isNumber()) {
      return null;
    }
    double p = Math.min(1, Math.exp(logprob.doubleValue()));
    return chosen.equals("1") ? p : 1 - p;
  }

  /** "0" or "1" when the token is that digit with list punctuation around it, else null. */
  static String digit(String token) {
    String bare = token.replaceAll("[\\[\\],`\\s]", "");
    return bare.equals("0") || bare.equals("1") ? bare : null;
  }
}
