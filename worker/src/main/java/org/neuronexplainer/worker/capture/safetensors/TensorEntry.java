package org.neuronexplainer.worker.capture.safetensors;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header: its dtype, shape and byte range within the data
 * section (the bytes after the header).
 */
public record TensorEntry(String name, TensorDtype dtype, long[] shape, long begin, long end) {

  public TensorEntry {
    shape = shape.clone();
    long expected = elementCount(shape) * dtype.bytes();
    if (begin < 0 || end < begin || end - begin != expected) {
      throw new SafetensorsException(
          "tensor "
              + name
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] do not hold "
              + dtype
              + " "
              + Arrays.toString(shape)
              + " ("
              + expected
              + " bytes)");
    }
  }

  /** The number of elements (1 for a scalar). */
  public long elementCount() {
    return elementCount(shape);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The shape as ints, for APIs that take them; every GPT-2 dimension fits. */
  public int[] intShape() {
    return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
  }

  private static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new SafetensorsException("negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorEntry other
        && name.equals(other.name)
        && dtype == other.dtype
        && Arrays.equals(shape, other.shape)
        && begin == other.begin
        && end == other.end;
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
