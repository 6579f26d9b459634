package org.neuronexplainer.worker.capture.stats;

import java.util.Arrays;

/**
 * For each of many neurons, the entries with the smallest unsigned priorities seen so far, at most
 * {@code capacity} each, with the activations of their excerpt. Flat primitive arrays and slot
 * indirection, so that reordering entries never copies activations.
 *
 * <p>Capture offers every excerpt to every neuron, and the neurons' entries lie far apart in
 * memory, so the cost is in cache misses, not comparisons. The key an entry must beat is kept for
 * all neurons side by side ({@link #accepts} reads nothing else). An accepted entry is appended to
 * its neuron's buffer, which has {@link #slack} places beyond the capacity; when the buffer is
 * full, a selection keeps the {@code capacity} smallest keys and the key to beat becomes the
 * largest of them. A heap would instead touch a cache line per level on every accepted entry.
 *
 * <p>With a context of 0 it keeps keys only (the quantile keys): no slots, maxima or activations to
 * move, so the buffer has room for twice the capacity and a selection runs once per {@code
 * capacity} accepted keys.
 *
 * <p>Keys are unique (their low 32 bits are the excerpt id), so what is kept is a function of the
 * set of offered entries, not of their order: the property that makes shards mergeable.
 */
final class BottomK {
  private final int neurons;
  private final int capacity;
  private final int room; // capacity plus slack: entries a neuron's buffer holds
  private final int context;
  private final long[] keys; // per neuron [room], unordered
  // Buffer position -> slot; positions past the size hold free slots. Null when keeping keys only.
  private final int[] slots;
  private final int[] sizes;
  // Per neuron, the key an entry must be below to be kept: all ones until the buffer first fills
  // (no key is all ones: its low half would be excerpt id -1), then the largest key kept.
  private final long[] thresholds;
  private final float[] maxima; // by slot; null when keeping keys only
  private final float[] activations; // by slot, [context]

  BottomK(int neurons, int capacity, int context) {
    this.room = room(capacity, context);
    if ((long) neurons * room * Math.max(1, context) > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          neurons
              + " neurons x "
              + capacity
              + " excerpts"
              + (context > 0 ? " x " + context + " tokens" : "")
              + " do not fit in one array: capture fewer neurons (--neurons) or keep fewer"
              + " excerpts (--pool, --quantile-keys) per process");
    }
    this.neurons = neurons;
    this.capacity = capacity;
    this.context = context;
    this.keys = new long[neurons * room];
    this.slots = context == 0 ? null : new int[neurons * room];
    // Each neuron's p-th place starts on slot p * neurons + neuron: while the heaps fill, an
    // excerpt that every neuron keeps is written to one run of memory, not to one page per neuron.
    for (int n = 0; n < neurons && slots != null; n++) {
      for (int p = 0; p < room; p++) {
        slots[n * room + p] = p * neurons + n;
      }
    }
    this.sizes = new int[neurons];
    this.thresholds = new long[neurons];
    Arrays.fill(thresholds, capacity > 0 ? -1L : 0L);
    this.maxima = context == 0 ? null : new float[neurons * room];
    this.activations = new float[neurons * room * context];
  }

  /**
   * Places beyond the capacity: an eighth of it, so a selection over the buffer (linear in its
   * size) runs once per {@code slack} accepted entries, for 12.5% more memory.
   */
  private static int slack(int capacity) {
    return capacity == 0 ? 0 : Math.max(1, capacity / 8);
  }

  /**
   * Entries a neuron's buffer holds: the capacity and the {@link #slack}, or twice the capacity.
   */
  static int room(int capacity, int context) {
    return context == 0 ? 2 * capacity : capacity + slack(capacity);
  }

  int capacity() {
    return capacity;
  }

  int context() {
    return context;
  }

  /** Entries kept for a neuron. */
  int size(int neuron) {
    return Math.min(sizes[neuron], capacity);
  }

  /** Entries in a neuron's buffer: those kept and, until its next selection, those to drop. */
  int held(int neuron) {
    return sizes[neuron];
  }

  /** Bytes of this object's arrays, for {@link StatsMemory}'s test. */
  long arrayBytes() {
    return keys.length * 8L
        + (slots == null ? 0 : slots.length * 4L)
        + (maxima == null ? 0 : maxima.length * 4L)
        + activations.length * 4L
        + sizes.length * 4L
        + thresholds.length * 8L;
  }

  /**
   * Whether an entry with this key may be kept; cheap, so callers test before computing what they
   * offer. False means {@link #offer} would refuse it; true, that it may still refuse it (when the
   * buffer is full, its selection can raise the bar).
   */
  boolean accepts(int neuron, long key) {
    return Long.compareUnsigned(key, thresholds[neuron]) < 0;
  }

  /**
   * For keys made by {@link SampleHash#topPriority}: the lowest max whose key may still be accepted
   * for this neuron, or negative infinity while every key is.
   */
  float floor(int neuron) {
    long threshold = thresholds[neuron];
    return threshold == -1L ? Float.NEGATIVE_INFINITY : SampleHash.maxOfTopPriority(threshold);
  }

  /**
   * Refuses from now on every key of this neuron above {@code last}. Where the keys a run will
   * offer are known before it starts, the {@code capacity}-th smallest of them is such a bound:
   * what it refuses would be pushed out by keys still to come, and only the entries that stay are
   * ever kept. What is kept in the end stays the smallest {@code capacity} keys offered, provided
   * every key at or below {@code last} that the bound counted is offered before the entries are
   * read.
   */
  void bound(int neuron, long last) {
    long threshold = last + 1; // no carry: a key's low half, an excerpt id, is never all ones
    if (Long.compareUnsigned(threshold, thresholds[neuron]) < 0) {
      thresholds[neuron] = threshold;
    }
  }

  /**
   * Keeps the entry if it is among the smallest, and returns the activation buffer offset to fill
   * (its {@code context} floats), or -1 when it is not kept.
   */
  int offer(int neuron, long key, float max) {
    if (!accepts(neuron, key)) {
      return -1;
    }
    int base = neuron * room;
    int size = sizes[neuron];
    if (size == room) {
      select(base, base + room - 1, base + capacity - 1);
      thresholds[neuron] = keys[base + capacity - 1];
      size = capacity;
      if (!accepts(neuron, key)) {
        sizes[neuron] = size;
        return -1;
      }
    }
    keys[base + size] = key;
    sizes[neuron] = size + 1;
    if (slots == null) {
      return 0;
    }
    int slot = slots[base + size];
    maxima[slot] = max;
    return slot * context;
  }

  float[] activationBuffer() {
    return activations;
  }

  /** The kept keys of a neuron, smallest first. */
  long[] sortedKeys(int neuron) {
    // With the sign bit flipped, signed order is the keys' unsigned order.
    long[] kept = new long[sizes[neuron]];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = keys[neuron * room + i] ^ Long.MIN_VALUE;
    }
    Arrays.sort(kept);
    kept = Arrays.copyOf(kept, Math.min(kept.length, capacity));
    for (int i = 0; i < kept.length; i++) {
      kept[i] ^= Long.MIN_VALUE;
    }
    return kept;
  }

  /** The kept entries of a neuron, smallest key first; not for a set of keys only. */
  Entry[] sorted(int neuron) {
    if (slots == null) {
      throw new IllegalStateException("this set keeps keys only: read them with sortedKeys");
    }
    int base = neuron * room;
    Entry[] entries = new Entry[sizes[neuron]];
    for (int i = 0; i < entries.length; i++) {
      int slot = slots[base + i];
      float[] acts = new float[context];
      System.arraycopy(activations, slot * context, acts, 0, context);
      entries[i] = new Entry(keys[base + i], maxima[slot], acts);
    }
    Arrays.sort(entries, (a, b) -> Long.compareUnsigned(a.key, b.key));
    return entries.length > capacity ? Arrays.copyOf(entries, capacity) : entries;
  }

  /** Offers every entry of another set of the same shape (a shard's partial). */
  void addAll(BottomK other) {
    if (other.neurons != neurons || other.context != context) {
      throw new IllegalArgumentException("heaps of different shapes");
    }
    for (int n = 0; n < neurons; n++) {
      if (slots == null) {
        for (long key : other.sortedKeys(n)) {
          offer(n, key, 0);
        }
        continue;
      }
      for (Entry e : other.sorted(n)) {
        add(n, e);
      }
    }
  }

  void add(int neuron, Entry entry) {
    int offset = offer(neuron, entry.key, entry.max);
    if (offset >= 0) {
      System.arraycopy(entry.activations, 0, activations, offset, context);
    }
  }

  /**
   * Reorders positions [lo, hi] so that position k holds the key of its rank and every smaller key
   * lies before it (quickselect); slots move with their keys, so the free slots end up past k.
   */
  private void select(int lo, int hi, int k) {
    while (hi > lo) {
      swap((lo + hi) >>> 1, hi);
      long pivot = keys[hi];
      int store = lo;
      for (int i = lo; i < hi; i++) {
        if (Long.compareUnsigned(keys[i], pivot) < 0) {
          swap(i, store++);
        }
      }
      swap(store, hi);
      if (store == k) {
        return;
      }
      if (store < k) {
        lo = store + 1;
      } else {
        hi = store - 1;
      }
    }
  }

  private void swap(int a, int b) {
    long k = keys[a];
    keys[a] = keys[b];
    keys[b] = k;
    if (slots != null) {
      int s = slots[a];
      slots[a] = slots[b];
      slots[b] = s;
    }
  }

  /** One kept excerpt: its key (the excerpt id in the low 32 bits), max and activations. */
  record Entry(long key, float max, float[] activations) {
    int excerptId() {
      return (int) key;
    }
  }
}
