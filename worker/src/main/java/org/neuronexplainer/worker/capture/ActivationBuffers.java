package org.neuronexplainer.worker.capture;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Java arrays that forward passes copy each layer's activations into, reused from one pass to the
 * next ({@link Gpt2Model#forward(int[][], int[], boolean, ActivationBuffers)}). A capture needs a
 * batch's activations only until its statistics are done, and a new array per layer and pass costs
 * the JVM zeroing it and the collector copying it while it lives: 75 MB a pass for GPT-2 small's 12
 * layers at batch 8, and 604 MB of arrays too large for the young generation at batch 64.
 *
 * <p>A pass given a set overwrites the arrays of the previous pass given the same set, so their
 * {@link FloatTensor}s must no longer be read by then. A pass of another size (a shorter last
 * batch) gets new arrays, which the set then keeps.
 */
public final class ActivationBuffers {
  // Written by the copier thread, one key per layer; a concurrent map for the visibility between
  // passes.
  private final ConcurrentHashMap<Integer, float[]> byLayer = new ConcurrentHashMap<>();
  private final boolean reuse;

  /** An empty set, whose arrays are made by the first pass given it. */
  public ActivationBuffers() {
    this(true);
  }

  private ActivationBuffers(boolean reuse) {
    this.reuse = reuse;
  }

  /** No reuse: every pass gets new arrays, which its caller may keep. */
  static ActivationBuffers fresh() {
    return new ActivationBuffers(false);
  }

  /** The layer's array if it holds {@code size} floats, else a new one kept in its place. */
  float[] take(int layer, int size) {
    if (!reuse) {
      return new float[size];
    }
    return byLayer.compute(
        layer, (key, held) -> held != null && held.length == size ? held : new float[size]);
  }
}
