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
   * gains are post_attention_layernorm's before the MLP and model.norm's before the unembedding.
   */
  @Override
  FloatTensor product(WeightProduct product) {
    NDArray result;
    // [out, in] layouts: gate is [neurons, d], down is [d, neurons].
    if (product instanceof WeightProduct.InputTokens in) {
      LlamaWeights.Block b = weights.blocks().get(checkLayer(config, in.layer()));
      result = b.gate().mul(b.postAttentionNorm()).matMul(weights.embed().transpose());
    } else if (product instanceof WeightProduct.OutputTokens out) {
      LlamaWeights.Block b = weights.blocks().get(checkLayer(config, out.layer()));
      result = b.down().transpose().mul(weights.norm()).matMul(weights.lmHead().transpose());
    } else {
      WeightProduct.Neurons n = (WeightProduct.Neurons) product;
      if (checkLayer(config, n.source()) >= checkLayer(config, n.target())) {
        throw new IllegalArgumentException("the source layer must come before the target layer");
      }
      LlamaWeights.Block source = weights.blocks().get(n.source());
      LlamaWeights.Block target = weights.blocks().get(n.target());
      result =
          source
              .down()
              .transpose()
              .mul(target.postAttentionNorm())
              .matMul(target.gate().transpose());
    }
    return WeightProduct.toJava(result);
  }
}
