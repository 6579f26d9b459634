package org.neuronexplainer.common.dataset.json;

/** Length checks between parallel lists, reported at the second list's path. */
final class Lengths {
  private Lengths() {}

  /** Fails with e.g. "12 tokens but 11 activations" at {@code field}'s path. */
  static void requireSame(
      JsonFields f, String field, int expected, String expectedNoun, int actual, String actualNoun)
      throws DatasetFormatException {
    if (expected != actual) {
      throw f.error(field, count(expected, expectedNoun) + " but " + count(actual, actualNoun));
    }
  }

  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
