package org.neuronexplainer.worker.capture.safetensors;

import java.util.Arrays;

/** The element types of the safetensors format that this project reads or writes. */
public enum TensorDtype {
  F32(4),
  F16(2),
  BF16(2),
  F64(8),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1);

  private final int bytes;

  TensorDtype(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** The dtype spelled as in a safetensors header, e.g. {@code "F32"}. */
  public static TensorDtype parse(String name) {
    for (TensorDtype dtype : values()) {
      if (dtype.name().equals(name)) {
        return dtype;
      }
    }
    throw new SafetensorsException(
        "unsupported safetensors dtype " + name + " (known: " + Arrays.toString(values()) + ")");
  }
}
