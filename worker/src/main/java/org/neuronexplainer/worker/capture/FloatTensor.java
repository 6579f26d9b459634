package org.neuronexplainer.worker.capture;

import java.util.Arrays;

/**
 * A dense float32 array in row-major order with its shape: how activations leave the capture
 * package. {@link #data()} is the backing array itself, not a copy, because these arrays are large
 * and are read far more often than they are shared.
 */
public record FloatTensor(int[] shape, float[] data) {

  public FloatTensor {
    shape = shape.clone();
    long size = 1;
    for (int dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      size *= dim;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  public int dim(int axis) {
    return shape[axis];
  }

  /** The value at a full index, e.g. {@code get(sequence, token, neuron)}. */
  public float get(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException(
          "index of rank " + index.length + " for shape " + Arrays.toString(shape));
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException(
            Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
      }
      flat = flat * shape[i] + index[i];
    }
    return data[flat];
  }

  /** The largest absolute elementwise difference from a tensor of the same shape. */
  public double maxAbsDiff(FloatTensor other) {
    if (!Arrays.equals(shape, other.shape)) {
      throw new IllegalArgumentException(
          "shapes differ: " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
    }
    double max = 0;
    for (int i = 0; i < data.length; i++) {
      max = Math.max(max, Math.abs((double) data[i] - other.data[i]));
    }
    return max;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor other
        && Arrays.equals(shape, other.shape)
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
