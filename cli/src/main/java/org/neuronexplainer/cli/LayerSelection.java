package org.neuronexplainer.cli;

import java.util.TreeSet;

/** Parses a layer list such as {@code all}, {@code 5}, {@code 0,2,4} or {@code 3-7}. */
final class LayerSelection {
  private LayerSelection() {}

  static int[] parse(String text, int layers) {
    if (text == null || text.isBlank() || text.equals("all")) {
      return java.util.stream.IntStream.range(0, layers).toArray();
    }
    TreeSet<Integer> selected = new TreeSet<>();
    for (String part : text.split(",")) {
      String[] range = part.trim().split("-", -1);
      if (range.length > 2) {
        throw bad(text, layers);
      }
      int from = number(range[0], text, layers);
      int to = range.length == 2 ? number(range[1], text, layers) : from;
      if (from > to) {
        throw bad(text, layers);
      }
      for (int layer = from; layer <= to; layer++) {
        if (layer >= layers) {
          throw new UserException(
              "layer " + layer + " does not exist: the model has layers 0-" + (layers - 1));
        }
        selected.add(layer);
      }
    }
    return selected.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int number(String text, String whole, int layers) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw bad(whole, layers);
    }
  }

  private static UserException bad(String text, int layers) {
    return new UserException(
        "--layers "
            + text
            + ": expected all, a layer, a list (0,2) or a range (0-"
            + (layers - 1)
            + ")");
  }
}
