package org.neuronexplainer.common.run;

import java.util.BitSet;
import java.util.stream.IntStream;

/** A set of non-negative indices written as {@code 0-3,7,10-12}. */
public final class Selection {

  private static final int MAX = 1 << 20;

  private final BitSet bits;

  private Selection(BitSet bits) {
    this.bits = bits;
  }

  /**
   * Parses a selection.
   *
   * @param what names the field in the error, e.g. {@code layers}
   */
  public static Selection parse(String text, String what) {
    BitSet bits = new BitSet();
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + ": empty selection");
    }
    for (String part : text.split(",")) {
      String p = part.trim();
      String[] ends = p.split("-", -1);
      try {
        int first = Integer.parseInt(ends[0].trim());
        int last = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : first;
        if (ends.length > 2 || first < 0 || last < first || last >= MAX) {
          throw new NumberFormatException();
        }
        bits.set(first, last + 1);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            what + ": '" + p + "' is not an index or a range like 0-9", e);
      }
    }
    return new Selection(bits);
  }

  public boolean contains(int index) {
    return bits.get(index);
  }

  public IntStream indices() {
    return bits.stream();
  }

  public int size() {
    return bits.cardinality();
  }
}
