package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Llama-family model ({@code LlamaForCausalLM}, {@code MistralForCausalLM}, {@code
 * Qwen2ForCausalLM}) loaded once and run many times ({@link SubjectModel}), the same computation as
 * Hugging Face's in eval mode.
 */
public final class LlamaModel extends LoadedModel {
  private final LlamaConfig config;
  private final LlamaForward forward;
  private final LlamaWeights weights;

  private LlamaModel(LlamaConfig config, Compute compute, NDManager manager, LlamaWeights weights) {
    super(config, compute, manager);
    this.config = config;
    this.weights = weights;
    this.forward = new LlamaForward(config, weights, compute);
  }

  /**
   * Loads {@code config.json} and the safetensors weights of a Hugging Face Llama-family directory.
   *
   * @throws CheckpointException naming the missing file, unsupported setting, or missing or
   *     mis-shaped tensor
   */
  public static LlamaModel load(Path directory, ComputeOptions options) {
    LlamaConfig config = LlamaConfig.read(Checkpoints.configFile(directory));
    return load(
        directory,
        options,
        tensors -> WeightShapes.check(config, tensors, directory.toString()),
        (tensors, compute, manager) ->
            new LlamaModel(
                config, compute, manager, LlamaWeights.load(tensors, config, manager, compute)));
  }

  @Override
  public LlamaConfig config() {
    return config;
  }

  @Override
  Optional<FloatTensor> run(NDManager batch, NDArray ids, Taps taps) {
    return forward.run(batch, ids, taps);
  }

  /**
   * The products of docs/method.md 11 with gate_proj as "Win": a SiLU-gated neuron fires where its
   * gate is large and positive, up_proj only scales it (and its sign can flip it), so the gate's
   * direction is what a token must point along to turn the neuron on. "Wout" is down_proj; the
   * gains are post_attention_layernorm's before the MLP and model.norm's before the unembedding
   * (lm_head, or embed_tokens when tied).
   */
  @Override
  WeightProduct.PathWeights pathWeights() {
    return new WeightProduct.PathWeights() {
      public NDArray neuronIn(int layer) {
        return weights.blocks().get(layer).gate();
      }

      public NDArray mlpNormGain(int layer) {
        return weights.blocks().get(layer).postAttentionNorm();
      }

      public NDArray neuronOut(int layer) {
        return weights.blocks().get(layer).down();
      }

      public NDArray finalNormGain() {
        return weights.norm();
      }

      public NDArray embedding() {
        return weights.embed();
      }

      public NDArray unembedding() {
        return weights.lmHead();
      }
    };
  }
}
