package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

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
    TensorLoader loader = new TensorLoader(tensors, manager, compute);
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
}
