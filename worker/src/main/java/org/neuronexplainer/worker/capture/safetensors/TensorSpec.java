package org.neuronexplainer.worker.capture.safetensors;

import java.util.Arrays;

/** A tensor to be written: its name, dtype and shape. */
public record TensorSpec(String name, TensorDtype dtype, long[] shape) {

  public TensorSpec {
    if (name == null || name.isEmpty() || name.equals("__metadata__")) {
      throw new IllegalArgumentException("bad tensor name: " + name);
    }
    shape = shape.clone();
  }

  public static TensorSpec f32(String name, long... shape) {
    return new TensorSpec(name, TensorDtype.F32, shape);
  }

  public long elementCount() {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  public long byteCount() {
    return Math.multiplyExact(elementCount(), dtype.bytes());
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec other
        && name.equals(other.name)
        && dtype == other.dtype
        && Arrays.equals(shape, other.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + " " + Arrays.toString(shape);
  }
}
