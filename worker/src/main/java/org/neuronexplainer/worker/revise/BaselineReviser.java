package org.neuronexplainer.worker.revise;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.worker.explain.BaselineExplainer;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.prompt.RequestBodies;

/**
 * A {@link Reviser} with no model, for the baseline explainer's explanations (docs/method.md 16.2):
 * it reads the quoted tokens of the explanation, drops those a false alarm was taken to fire on
 * (its marked tokens, or any token of a detection false alarm, which marks none), then adds the
 * peak token of each missed activation in turn, unless it is named already or was just dropped.
 * Tokens are compared stripped and in lower case, as {@code BaselineSimulator} compares them, and
 * the result is written in {@link BaselineExplainer}'s format ({@link BaselineExplainer#NOTHING}
 * when no token is left), so the baseline simulator reads it back. Deterministic.
 */
public final class BaselineReviser implements Reviser {
  private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Override
  public CompletionStage<Explanation> revise(Revision input, LlmTransport llm) {
    return CompletableFuture.completedFuture(Explanation.of(revised(input)));
  }

  /** The revised explanation's text. */
  public static String revised(Revision input) {
    Set<String> claimed = new HashSet<>();
    for (Disagreement alarm : input.falseAlarms()) {
      if (alarm.marked().isEmpty()) {
        alarm.tokens().forEach(token -> claimed.add(key(token)));
      } else {
        alarm.marked().forEach(t -> claimed.add(key(alarm.tokens().get(t))));
      }
    }
    List<String> kept = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    Set<String> dropped = new HashSet<>();
    for (String token : namedTokens(input.explanation())) {
      String key = key(token);
      if (claimed.contains(key)) {
        dropped.add(key);
      } else if (keys.add(key)) {
        kept.add(token);
      }
    }
    for (Disagreement missed : input.missed()) {
      String peak = missed.peakToken();
      if (peak == null || key(peak).isEmpty() || dropped.contains(key(peak))) {
        continue;
      }
      if (keys.add(key(peak))) {
        kept.add(peak);
      }
    }
    return kept.isEmpty() ? BaselineExplainer.NOTHING : BaselineExplainer.sentence(kept);
  }

  /** The tokens {@code explanation} names as JSON string literals, in order. */
  static List<String> namedTokens(String explanation) {
    List<String> named = new ArrayList<>();
    Matcher matcher = QUOTED.matcher(explanation);
    while (matcher.find()) {
      String literal = matcher.group();
      try {
        named.add(RequestBodies.JSON.readValue(literal, String.class));
      } catch (JsonProcessingException e) {
        named.add(literal.substring(1, literal.length() - 1));
      }
    }
    return named;
  }

  private static String key(String token) {
    return token.strip().toLowerCase(Locale.ROOT);
  }
}
