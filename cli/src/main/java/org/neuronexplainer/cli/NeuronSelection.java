package org.neuronexplainer.cli;

import java.util.TreeSet;

/** Parses {@code --neurons}: all, one index (5), a list (0,2) or ranges (0-99,512). */
final class NeuronSelection {
  private NeuronSelection() {}

  /** The sorted indices, or null for all. */
  static int[] parse(String text, int neurons) {
    if (text == null || text.isBlank() || text.equals("all")) {
      return null;
    }
    TreeSet<Integer> selected = new TreeSet<>();
    for (String part : text.split(",")) {
      String[] range = part.trim().split("-", -1);
      try {
        int from = Integer.parseInt(range[0].trim());
        int to = range.length == 2 ? Integer.parseInt(range[1].trim()) : from;
        if (range.length > 2 || from < 0 || from > to) {
          throw new NumberFormatException();
        }
        if (to >= neurons) {
          throw new UserException(
              "neuron " + to + " does not exist: layers have neurons 0-" + (neurons - 1));
        }
        for (int n = from; n <= to; n++) {
          selected.add(n);
        }
      } catch (NumberFormatException e) {
        throw new UserException(
            "--neurons " + text + ": expected all, an index, a list (0,2) or ranges (0-99)");
      }
    }
    return selected.stream().mapToInt(Integer::intValue).toArray();
  }
}
