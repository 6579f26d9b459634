package org.neuronexplainer.worker.capture.stats;

/**
 * For each of many neurons, the entries with the smallest unsigned priorities seen so far, at most
 * {@code capacity} each, with the activations of their excerpt. Flat primitive arrays, one max-heap
 * per neuron (the root is the entry to drop next), and slot indirection so that a heap move never
 * copies activations.
 *
 * <p>Capture offers every excerpt to every neuron, and the neurons' heaps lie far apart in memory,
 * so the cost is in cache misses, not comparisons. The key an entry must beat is kept for all
 * neurons side by side ({@link #accepts} reads nothing else), and a heap that is still filling is
 * appended to and put in heap order once, when it becomes full.
 *
 * <p>Keys are unique (their low 32 bits are the excerpt id), so what is kept is a function of the
 * set of offered entries, not of their order: the property that makes shards mergeable.
 */
final class BottomK {
  private final int neurons;
  private final int capacity;
  private final int context;
  private final long[] keys; // heap order, per neuron [capacity]
  private final int[] slots; // heap position -> slot
  private final int[] sizes;
  // Per neuron, the key an entry must be below to be kept: all ones while the heap is filling (no
  // key is all ones: its low half would be excerpt id -1), its root once it is full.
  private final long[] thresholds;
  private final float[] maxima; // by slot
  private final float[] activations; // by slot, [context]

  BottomK(int neurons, int capacity, int context) {
    if ((long) neurons * capacity * Math.max(1, context) > Integer.MAX_VALUE - 8) {
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
    this.keys = new long[neurons * capacity];
    this.slots = new int[neurons * capacity];
    this.sizes = new int[neurons];
    this.thresholds = new long[neurons];
    java.util.Arrays.fill(thresholds, capacity > 0 ? -1L : 0L);
    this.maxima = new float[neurons * capacity];
    this.activations = new float[neurons * capacity * context];
  }

  int capacity() {
    return capacity;
  }

  int context() {
    return context;
  }

  int size(int neuron) {
    return sizes[neuron];
  }

  /** Bytes of this object's arrays, for {@link StatsMemory}'s test. */
  long arrayBytes() {
    return keys.length * 8L
        + slots.length * 4L
        + maxima.length * 4L
        + activations.length * 4L
        + sizes.length * 4L
        + thresholds.length * 8L;
  }

  /** Whether an entry with this key would be kept; cheap, so callers test before copying. */
  boolean accepts(int neuron, long key) {
    return Long.compareUnsigned(key, thresholds[neuron]) < 0;
  }

  /**
   * Keeps the entry if it is among the smallest, and returns the activation buffer offset to fill
   * (its {@code context} floats), or -1 when it is not kept.
   */
  int offer(int neuron, long key, float max) {
    if (!accepts(neuron, key)) {
      return -1;
    }
    int base = neuron * capacity;
    int size = sizes[neuron];
    int slot;
    if (size < capacity) {
      slot = base + size;
      keys[base + size] = key;
      slots[base + size] = slot;
      sizes[neuron] = size + 1;
      if (size + 1 == capacity) {
        heapify(base);
        thresholds[neuron] = keys[base];
      }
    } else {
      slot = slots[base];
      keys[base] = key;
      siftDown(base, capacity, 0);
      thresholds[neuron] = keys[base];
    }
    maxima[slot] = max;
    return slot * context;
  }

  float[] activationBuffer() {
    return activations;
  }

  /** The kept entries of a neuron, smallest key first (a filling heap is not in heap order). */
  Entry[] sorted(int neuron) {
    int base = neuron * capacity;
    Entry[] entries = new Entry[sizes[neuron]];
    for (int i = 0; i < entries.length; i++) {
      int slot = slots[base + i];
      float[] acts = new float[context];
      System.arraycopy(activations, slot * context, acts, 0, context);
      entries[i] = new Entry(keys[base + i], maxima[slot], acts);
    }
    java.util.Arrays.sort(entries, (a, b) -> Long.compareUnsigned(a.key, b.key));
    return entries;
  }

  /** Offers every entry of another heap set of the same shape (a shard's partial). */
  void addAll(BottomK other) {
    if (other.neurons != neurons || other.context != context) {
      throw new IllegalArgumentException("heaps of different shapes");
    }
    for (int n = 0; n < neurons; n++) {
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

  private void heapify(int base) {
    for (int i = capacity / 2 - 1; i >= 0; i--) {
      siftDown(base, capacity, i);
    }
  }

  private void siftDown(int base, int size, int from) {
    int i = from;
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int child = left;
      if (left + 1 < size && Long.compareUnsigned(keys[base + left + 1], keys[base + left]) > 0) {
        child = left + 1;
      }
      if (Long.compareUnsigned(keys[base + child], keys[base + i]) <= 0) {
        return;
      }
      swap(base, i, child);
      i = child;
    }
  }

  private void swap(int base, int a, int b) {
    long k = keys[base + a];
    keys[base + a] = keys[base + b];
    keys[base + b] = k;
    int s = slots[base + a];
    slots[base + a] = slots[base + b];
    slots[base + b] = s;
  }

  /** One kept excerpt: its key (the excerpt id in the low 32 bits), max and activations. */
  record Entry(long key, float max, float[] activations) {
    int excerptId() {
      return (int) key;
    }
  }
}
