package org.neuronexplainer.common.messaging;

/** Layers {@code first..last}, both included. */
public record LayerRange(int first, int last) {

  public LayerRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("bad layer range " + first + "-" + last);
    }
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
