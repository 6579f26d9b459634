package org.neuronexplainer.worker.capture.weights;

/**
 * For each of many neurons, the k largest values offered with their keys, largest first (equal
 * values: the smaller key first). Flat primitive arrays and insertion into a short sorted list: a
 * candidate below the current k-th value costs one comparison, which is nearly every candidate.
 */
final class TopLists {
  private final int k;
  private final float[] values;
  private final long[] keys;
  private final int[] sizes;

  TopLists(int lists, int k) {
    this.k = k;
    this.values = new float[lists * k];
    this.keys = new long[lists * k];
    this.sizes = new int[lists];
  }

  void offer(int list, float value, long key) {
    int base = list * k;
    int size = sizes[list];
    if (size == k && !better(value, key, values[base + k - 1], keys[base + k - 1])) {
      return;
    }
    int i = size == k ? k - 1 : size;
    while (i > 0 && better(value, key, values[base + i - 1], keys[base + i - 1])) {
      values[base + i] = values[base + i - 1];
      keys[base + i] = keys[base + i - 1];
      i--;
    }
    values[base + i] = value;
    keys[base + i] = key;
    if (size < k) {
      sizes[list] = size + 1;
    }
  }

  private static boolean better(float value, long key, float otherValue, long otherKey) {
    return value > otherValue || (value == otherValue && key < otherKey);
  }

  int size(int list) {
    return sizes[list];
  }

  float value(int list, int rank) {
    return values[list * k + rank];
  }

  long key(int list, int rank) {
    return keys[list * k + rank];
  }
}
