package org.neuronexplainer.worker.capture;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/**
 * Loads a checkpoint's tensors onto the compute device in the compute precision, each owned by
 * {@code manager}: F32, F16 and BF16 (widened exactly to float32, since DJL 0.36 cannot hold
 * bfloat16).
 */
record TensorLoader(CheckpointTensors tensors, NDManager manager, Compute compute) {

  NDArray conv1d(String name) {
    return plain(name).transpose();
  }

  NDArray plain(String name) {
    TensorEntry entry = tensors.entry(name).orElseThrow();
    ByteBuffer bytes = tensors.bytes(name);
    DataType stored;
    switch (entry.dtype()) {
      case F32 -> stored = DataType.FLOAT32;
      case F16 -> stored = DataType.FLOAT16;
      case BF16 -> {
        // DJL 0.36 aborts the JVM on a bfloat16 tensor, so bfloat16 is widened here, exactly.
        bytes = widenBfloat16(bytes);
        stored = DataType.FLOAT32;
      }
      default ->
          throw new CheckpointException(
              "tensor "
                  + entry.name()
                  + " is "
                  + entry.dtype()
                  + "; weights must be F32, F16 or BF16");
    }
    // The mapped bytes are only viewed by `raw`; the copy that stays is owned by `manager`.
    try (NDManager staging = manager.newSubManager(Device.cpu())) {
      NDArray raw = staging.create(bytes, new Shape(entry.shape()), stored);
      NDArray converted = raw.toType(compute.dataType(), false).toDevice(compute.device(), false);
      NDArray owned = converted == raw ? raw.duplicate() : converted;
      owned.attach(manager);
      return owned;
    }
  }

  /** bfloat16 is the top half of a float32, so widening is a shift. */
  private static ByteBuffer widenBfloat16(ByteBuffer bf16) {
    int count = bf16.remaining() / 2;
    ByteBuffer wide = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
    for (int i = 0; i < count; i++) {
      wide.putInt(4 * i, (bf16.getShort(2 * i) & 0xffff) << 16);
    }
    return wide;
  }
}
