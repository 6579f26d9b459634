package org.neuronexplainer.worker.simulate;

import java.util.List;
import org.neuronexplainer.worker.prompt.TokenText;

/**
 * Strict reading of the line simulator's reply (see {@link LineSimulator}): from the first line
 * that starts with the first token and a tab, one line per token in order, each the token as the
 * prompt showed it, a tab, a whole number 0..10 (spaces around it allowed) and the end marker, the
 * lines separated by newlines; after the last line only whitespace. Text before the first line is
 * ignored, as in the original. Anything else is a {@link SimulationParseException} naming the line.
 */
final class LineActivations {
  private LineActivations() {}

  /** The activations in {@code reply} for the tokens as the prompt showed them. */
  static double[] read(String reply, List<String> tokens) {
    double[] values = new double[tokens.size()];
    if (tokens.isEmpty()) {
      return values;
    }
    int at = firstLine(reply, tokens.get(0) + "\t");
    if (at < 0) {
      throw new SimulationParseException(
          "the reply has no line for the first token " + quoted(tokens.get(0)));
    }
    String marker = LineSimulator.END_MARKER;
    for (int i = 0; i < tokens.size(); i++) {
      String start = tokens.get(i) + "\t";
      if (!reply.startsWith(start, at)) {
        throw new SimulationParseException(
            "line "
                + i
                + " does not start with token "
                + quoted(tokens.get(i))
                + " and a tab: "
                + quoted(excerpt(reply, at)));
      }
      at += start.length();
      int end = reply.indexOf(marker, at);
      int newline = reply.indexOf('\n', at);
      if (end < 0 || (newline >= 0 && newline < end)) {
        throw new SimulationParseException(
            "line " + i + " has no end marker " + marker + ": " + quoted(excerpt(reply, at)));
      }
      String value = reply.substring(at, end).strip();
      Integer number = DigitDistribution.digitValue(value);
      if (number == null) {
        throw new SimulationParseException(
            "the value of line " + i + " is not a whole number from 0 to 10: " + quoted(value));
      }
      values[i] = number;
      at = end + marker.length();
      if (i + 1 < tokens.size()) {
        if (!reply.startsWith("\n", at)) {
          throw new SimulationParseException("line " + i + " is not followed by a newline");
        }
        at++;
      }
    }
    if (!reply.substring(at).isBlank()) {
      throw new SimulationParseException(
          "the reply goes on after the line of the last token: " + quoted(excerpt(reply, at)));
    }
    return values;
  }

  /** The offset of the first line of {@code reply} that starts with {@code start}, or -1. */
  private static int firstLine(String reply, String start) {
    for (int at = reply.indexOf(start); at >= 0; at = reply.indexOf(start, at + 1)) {
      if (at == 0 || reply.charAt(at - 1) == '\n') {
        return at;
      }
    }
    return -1;
  }

  private static String excerpt(String reply, int at) {
    return reply.substring(at, Math.min(reply.length(), at + 40));
  }

  private static String quoted(String text) {
    return "\"" + TokenText.token(text) + "\"";
  }
}
