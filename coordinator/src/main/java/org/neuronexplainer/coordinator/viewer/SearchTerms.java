package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits explanation text and queries into the same search terms. */
final class SearchTerms {

  private SearchTerms() {}

  /** Lower-cased runs of letters and digits, with a plain English plural folded ("words"). */
  static List<String> of(String text) {
    List<String> terms = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    int start = -1;
    for (int i = 0; i <= lower.length(); i++) {
      boolean word = i < lower.length() && Character.isLetterOrDigit(lower.charAt(i));
      if (word && start < 0) {
        start = i;
      } else if (!word && start >= 0) {
        terms.add(fold(lower.substring(start, i)));
        start = -1;
      }
    }
    return terms;
  }

  // A light stemmer: enough that "numbers" finds "number" without a dictionary.
  private static String fold(String term) {
    if (term.length() > 4 && term.endsWith("ies")) {
      return term.substring(0, term.length() - 3) + "y";
    }
    if (term.length() > 3 && term.endsWith("s") && !term.endsWith("ss") && !term.endsWith("us")) {
      return term.substring(0, term.length() - 1);
    }
    return term;
  }
}
