package org.neuronexplainer.common.run;

import java.util.BitSet;
import java.util.stream.IntStream;

/**
 * A set of non-negative indices written as {@code 0-3,7,10-12}: the one grammar of every layer and
 * neuron selection, in run specs and on the command line. Errors name the field (a spec field such
 * as {@code layers} or a flag such as {@code --layers}) and the part that is wrong.
 */
public final class Selection {

  /** The word that selects every index, where a selection may be left open. */
  public static final String ALL = "all";

  private static final int MAX = 1 << 20;

  private final BitSet bits;

  private Selection(BitSet bits) {
    this.bits = bits;
  }

  /**
   * Parses a selection.
   *
   * @param what names the field in the error, e.g. {@code layers} or {@code --layers}
   */
  public static Selection parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + ": empty selection; expected e.g. 0-3,7");
    }
    BitSet bits = new BitSet();
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      String[] ends = p.split("-", -1);
      try {
        int first = Integer.parseInt(ends[0].strip());
        int last = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : first;
        if (ends.length > 2 || first < 0 || last < first || last >= MAX) {
          throw new NumberFormatException();
        }
        bits.set(first, last + 1);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            what + ": '" + p + "' is not an index or a range like 0-9 (in '" + text + "')", e);
      }
    }
    return new Selection(bits);
  }

  /** True for no selection at all: null, blank or {@value #ALL}. */
  public static boolean isAll(String text) {
    return text == null || text.isBlank() || text.strip().equalsIgnoreCase(ALL);
  }

  /**
   * The sorted indices a selection picks among {@code 0..count-1}: all of them for {@link #isAll},
   * else those parsed, each of which must exist.
   *
   * @param what names the field in the error, e.g. {@code layers} or {@code --layers}
   * @param unit what an index counts, in the error: {@code layer}, {@code neuron}
   */
  public static int[] within(String text, String what, int count, String unit) {
    if (isAll(text)) {
      return IntStream.range(0, count).toArray();
    }
    int[] chosen = parse(text, what).indices().toArray();
    for (int i : chosen) {
      if (i >= count) {
        throw new IllegalArgumentException(
            what
                + ": "
                + unit
                + " "
                + i
                + " does not exist; the model has "
                + unit
                + "s 0.."
                + (count - 1));
      }
    }
    return chosen;
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
