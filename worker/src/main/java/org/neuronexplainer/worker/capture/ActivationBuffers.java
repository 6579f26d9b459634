package org.neuronexplainer.worker.capture;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Java arrays that forward passes copy each layer's activations into, reused from one pass to the
 * next ({@link SubjectModel#forward(int[][], ForwardRequest, ActivationBuffers)}). A capture needs
 * a batch's activations only until its statistics are done, and a new array per layer and pass
 * costs the JVM zeroing it and the collector copying it while it lives: 75 MB a pass for GPT-2
 * small's 12 layers at batch 8, and 604 MB of arrays too large for the young generation at batch
 * 64.
 *
 * <p>A pass given a set overwrites the arrays of the previous pass given the same set, so their
 * {@link FloatTensor}s must no longer be read by then. A pass of another size (a shorter last
 * batch) gets new arrays, which the set then keeps; an empty set's first pass gets new arrays too.
 */
public final class ActivationBuffers {
  // Filled by the pass's copier thread; read by the next pass given the set, on that thread or
  // another.
  private final ConcurrentHashMap<Integer, float[]> bySlot = new ConcurrentHashMap<>();

  /**
   * The array of a pass's {@code slot} (its hook's place in the request) if it holds {@code size}
   * floats, else a new one kept in its place.
   */
  float[] take(int slot, int size) {
    return bySlot.compute(
        slot, (key, held) -> held != null && held.length == size ? held : new float[size]);
  }
}
