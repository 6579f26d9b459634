package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * A Llama-family model's weights as NDArrays on the compute device, in the compute precision.
 * Linear weights are Hugging Face's {@code [out, in]}, the layout {@code Linear.linear} expects; a
 * bias the architecture does not have is null.
 *
 * @param lmHead the output embedding: {@code lm_head.weight}, or {@code embed} itself when tied
 */
record LlamaWeights(NDArray embed, List<Block> blocks, NDArray norm, NDArray lmHead) {
  static final String EMBED = "model.embed_tokens.weight";
  static final String NORM = "model.norm.weight";

  /** One decoder layer. */
  record Block(
      NDArray inputNorm,
      NDArray q,
      NDArray qBias,
      NDArray k,
      NDArray kBias,
      NDArray v,
      NDArray vBias,
      NDArray o,
      NDArray oBias,
      NDArray postAttentionNorm,
      NDArray gate,
      NDArray gateBias,
      NDArray up,
      NDArray upBias,
      NDArray down,
      NDArray downBias) {}

  /** The prefix of layer {@code l}'s tensor names. */
  static String layer(int l) {
    return "model.layers." + l + ".";
  }

  /** Loads every tensor into {@code manager}; the checkpoint must have passed WeightShapes. */
  static LlamaWeights load(
      CheckpointTensors tensors, LlamaConfig config, NDManager manager, Compute compute) {
    TensorLoader loader = new TensorLoader(tensors, manager, compute);
    List<Block> blocks = new ArrayList<>();
    for (int l = 0; l < config.layers(); l++) {
      String p = layer(l);
      String attn = p + "self_attn.";
      String mlp = p + "mlp.";
      boolean qkv = config.qkvBias();
      boolean mlpBias = config.mlpBias();
      blocks.add(
          new Block(
              loader.plain(p + "input_layernorm.weight"),
              loader.plain(attn + "q_proj.weight"),
              qkv ? loader.plain(attn + "q_proj.bias") : null,
              loader.plain(attn + "k_proj.weight"),
              qkv ? loader.plain(attn + "k_proj.bias") : null,
              loader.plain(attn + "v_proj.weight"),
              qkv ? loader.plain(attn + "v_proj.bias") : null,
              loader.plain(attn + "o_proj.weight"),
              config.outputBias() ? loader.plain(attn + "o_proj.bias") : null,
              loader.plain(p + "post_attention_layernorm.weight"),
              loader.plain(mlp + "gate_proj.weight"),
              mlpBias ? loader.plain(mlp + "gate_proj.bias") : null,
              loader.plain(mlp + "up_proj.weight"),
              mlpBias ? loader.plain(mlp + "up_proj.bias") : null,
              loader.plain(mlp + "down_proj.weight"),
              mlpBias ? loader.plain(mlp + "down_proj.bias") : null));
    }
    NDArray embed = loader.plain(EMBED);
    // Tied: Hugging Face ties lm_head to embed_tokens and ignores a stored lm_head.weight.
    NDArray lmHead = config.tieWordEmbeddings() ? embed : loader.plain(WeightShapes.LM_HEAD);
    return new LlamaWeights(embed, List.copyOf(blocks), loader.plain(NORM), lmHead);
  }
}
