package org.neuronexplainer.coordinator.viewer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.neuronexplainer.common.dataset.ActivationRecord;

/**
 * The text of a neuron's top excerpts around their peaks, for the search by a piece of text: of
 * each top excerpt, the {@link #SIDE} tokens each side of its strongest token, as one lower-case
 * text with each run of whitespace one space, with where each token ends in it and its activation.
 * A piece of text is found wherever it lies in one window, across token boundaries, so a word the
 * tokenizer splits ("r", "i", "ver") is found as one; text outside the windows is not kept.
 *
 * <p>Per token this holds its characters (one byte each for Latin text), a 2-byte end and a 4-byte
 * activation: about 10 bytes, so 7 tokens of 50 top excerpts come to some 3.5 KB per neuron.
 *
 * @param text the windows one after another, each ended by a line break (never inside one)
 * @param ends where each window token ends in {@code text} (exclusive), ascending
 * @param activations each window token's activation, NaN where the record has none
 */
record ExcerptWindows(String text, char[] ends, float[] activations) {

  /** Tokens kept each side of an excerpt's peak: enough for a phrase around what it fires on. */
  static final int SIDE = 3;

  static final ExcerptWindows NONE = new ExcerptWindows("", new char[0], new float[0]);

  private static final char SEPARATOR = '\n';

  /** The windows of {@code excerpts}; an excerpt without any defined activation has none. */
  static ExcerptWindows of(List<ActivationRecord> excerpts) {
    StringBuilder text = new StringBuilder();
    int tokens = 0;
    for (ActivationRecord excerpt : excerpts) {
      tokens += Math.min(excerpt.tokens().size(), 2 * SIDE + 1);
    }
    char[] ends = new char[tokens];
    float[] activations = new float[tokens];
    int kept = 0;
    for (ActivationRecord excerpt : excerpts) {
      int peak = peak(excerpt.activations(), excerpt.tokens().size());
      if (peak < 0) {
        continue;
      }
      int from = Math.max(0, peak - SIDE);
      int to = Math.min(excerpt.tokens().size(), peak + SIDE + 1);
      int mark = text.length();
      boolean space = true; // no space at a window's start
      for (int i = from; i < to; i++) {
        space = appendNormalised(text, excerpt.tokens().get(i), space);
        if (text.length() > Character.MAX_VALUE - 1) {
          text.setLength(mark); // ends are chars: a neuron keeps at most 64 K characters
          return done(text, ends, activations, kept - (i - from));
        }
        ends[kept] = (char) text.length();
        activations[kept] = (float) excerpt.activations()[i];
        kept++;
      }
      text.append(SEPARATOR);
    }
    return done(text, ends, activations, kept);
  }

  private static ExcerptWindows done(
      StringBuilder text, char[] ends, float[] activations, int kept) {
    if (kept == 0) {
      return NONE;
    }
    return new ExcerptWindows(
        text.toString(), Arrays.copyOf(ends, kept), Arrays.copyOf(activations, kept));
  }

  /**
   * A piece of text as the windows hold it: in lower case, each run of whitespace one space, none
   * at either end; empty for text of only whitespace.
   */
  static String normalise(String query) {
    if (query == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(query.length());
    appendNormalised(out, query, true);
    int end = out.length();
    while (end > 0 && out.charAt(end - 1) == ' ') {
      end--;
    }
    return out.substring(0, end);
  }

  /**
   * The largest activation on the tokens covered by any match of {@code piece} (as {@link
   * #normalise} gives it) that begins and ends at word boundaries; NaN where none. So "river" finds
   * " r|i|ver|s" only as part of a longer word: not at all, as the token search does.
   */
  double match(String piece) {
    if (piece.isEmpty()) {
      return Double.NaN;
    }
    double best = Double.NaN;
    for (int at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1)) {
      int end = at + piece.length();
      if (!boundary(at) || !boundary(end)) {
        continue;
      }
      int last = tokenAt(end - 1);
      for (int t = tokenAt(at); t <= last; t++) {
        if (!Float.isNaN(activations[t]) && !(activations[t] <= best)) {
          best = activations[t];
        }
      }
    }
    return best;
  }

  /** Bytes held, from the sizes of the arrays (object headers and references included). */
  long bytes() {
    boolean latin1 = text.chars().allMatch(c -> c < 256);
    return 16
        + 24
        + 16
        + (latin1 ? text.length() : 2L * text.length())
        + 16
        + 2L * ends.length
        + 16
        + 4L * activations.length;
  }

  /** Whether a match may begin or end at {@code at}: not inside a word. */
  private boolean boundary(int at) {
    return at == 0
        || at == text.length()
        || !Character.isLetterOrDigit(text.charAt(at - 1))
        || !Character.isLetterOrDigit(text.charAt(at));
  }

  /** The token whose characters include {@code at}. */
  private int tokenAt(int at) {
    int lo = 0;
    int hi = ends.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ends[mid] > at) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static int peak(double[] values, int tokens) {
    int peak = -1;
    for (int i = 0; i < Math.min(tokens, values.length); i++) {
      if (!Double.isNaN(values[i]) && (peak < 0 || values[i] > values[peak])) {
        peak = i;
      }
    }
    return peak;
  }

  /**
   * Appends {@code piece} lower-cased with whitespace runs as one space; answers the last state.
   */
  private static boolean appendNormalised(StringBuilder out, String piece, boolean space) {
    String lower = piece.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        if (!space) {
          out.append(' ');
        }
        space = true;
      } else {
        out.append(c);
        space = false;
      }
    }
    return space;
  }
}
