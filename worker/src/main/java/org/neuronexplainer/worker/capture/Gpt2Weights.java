package org.neuronexplainer.worker.capture;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/**
 * A GPT-2's weights as NDArrays on the compute device, in the compute precision. Linear weights are
 * held as [out, in] views of the checkpoint's Conv1D [in, out] matrices, the layout that {@code
 * Linear.linear} (torch's fused addmm) expects.
 */
record Gpt2Weights(
    NDArray wte,
    NDArray wpe,
    List<Block> blocks,
    NDArray lnFWeight,
    NDArray lnFBias,
    NDArray lmHead) {

  /** One transformer block. */
  record Block(
      NDArray ln1Weight,
      NDArray ln1Bias,
      NDArray attnWeight,
      NDArray attnBias,
      NDArray attnProjWeight,
      NDArray attnProjBias,
      NDArray ln2Weight,
      NDArray ln2Bias,
      NDArray fcWeight,
      NDArray fcBias,
      NDArray mlpProjWeight,
      NDArray mlpProjBias) {}

  /** Loads every tensor into {@code manager}; the checkpoint must have passed WeightShapes. */
  static Gpt2Weights load(
      CheckpointTensors tensors, Gpt2Config config, NDManager manager, Compute compute) {
    Loader loader = new Loader(tensors, manager, compute);
    List<Block> blocks = new ArrayList<>();
    for (int l = 0; l < config.layers(); l++) {
      String h = "h." + l + ".";
      blocks.add(
          new Block(
              loader.plain(h + "ln_1.weight"),
              loader.plain(h + "ln_1.bias"),
              loader.conv1d(h + "attn.c_attn.weight"),
              loader.plain(h + "attn.c_attn.bias"),
              loader.conv1d(h + "attn.c_proj.weight"),
              loader.plain(h + "attn.c_proj.bias"),
              loader.plain(h + "ln_2.weight"),
              loader.plain(h + "ln_2.bias"),
              loader.conv1d(h + "mlp.c_fc.weight"),
              loader.plain(h + "mlp.c_fc.bias"),
              loader.conv1d(h + "mlp.c_proj.weight"),
              loader.plain(h + "mlp.c_proj.bias")));
    }
    NDArray wte = loader.plain("wte.weight");
    // Without its own lm_head tensor the output embedding is tied to the input embedding.
    NDArray lmHead =
        tensors.entry(WeightShapes.LM_HEAD).isPresent() ? loader.plain(WeightShapes.LM_HEAD) : wte;
    return new Gpt2Weights(
        wte,
        loader.plain("wpe.weight"),
        List.copyOf(blocks),
        loader.plain("ln_f.weight"),
        loader.plain("ln_f.bias"),
        lmHead);
  }

  private record Loader(CheckpointTensors tensors, NDManager manager, Compute compute) {

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
}
