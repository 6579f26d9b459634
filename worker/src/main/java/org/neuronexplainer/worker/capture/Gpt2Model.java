package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A GPT-2 loaded once and run many times ({@link SubjectModel}), the same computation as Hugging
 * Face's GPT2LMHeadModel in eval mode.
 */
public final class Gpt2Model extends LoadedModel {
  private final Gpt2Config config;
  private final Gpt2Forward forward;
  private final Gpt2Weights weights;

  private Gpt2Model(Gpt2Config config, Compute compute, NDManager manager, Gpt2Weights weights) {
    super(config, compute, manager);
    this.config = config;
    this.weights = weights;
    this.forward = new Gpt2Forward(config, weights, compute);
  }

  /**
   * Loads {@code config.json} and the safetensors weights of a Hugging Face GPT-2 directory.
   *
   * @throws CheckpointException naming the missing file, unsupported setting, or missing or
   *     mis-shaped tensor
   */
  public static Gpt2Model load(Path directory, ComputeOptions options) {
    Gpt2Config config = Gpt2Config.read(Checkpoints.configFile(directory));
    return load(
        directory,
        options,
        tensors -> WeightShapes.check(config, tensors, directory.toString()),
        (tensors, compute, manager) ->
            new Gpt2Model(
                config, compute, manager, Gpt2Weights.load(tensors, config, manager, compute)));
  }

  @Override
  public Gpt2Config config() {
    return config;
  }

  @Override
  Optional<FloatTensor> run(NDManager batch, NDArray ids, Taps taps) {
    return forward.run(batch, ids, taps);
  }

  @Override
  FloatTensor product(WeightProduct product) {
    NDArray result;
    // Gpt2Weights holds Linear weights as [out, in]: fcWeight is [neurons, d], mlpProjWeight is
    // [d, neurons].
    if (product instanceof WeightProduct.InputTokens in) {
      Gpt2Weights.Block b = weights.blocks().get(checkLayer(config, in.layer()));
      result = b.fcWeight().mul(b.ln2Weight()).matMul(weights.wte().transpose());
    } else if (product instanceof WeightProduct.OutputTokens out) {
      Gpt2Weights.Block b = weights.blocks().get(checkLayer(config, out.layer()));
      result =
          b.mlpProjWeight().transpose().mul(weights.lnFWeight()).matMul(weights.wte().transpose());
    } else {
      WeightProduct.Neurons n = (WeightProduct.Neurons) product;
      if (checkLayer(config, n.source()) >= checkLayer(config, n.target())) {
        throw new IllegalArgumentException("the source layer must come before the target layer");
      }
      Gpt2Weights.Block source = weights.blocks().get(n.source());
      Gpt2Weights.Block target = weights.blocks().get(n.target());
      result =
          source
              .mlpProjWeight()
              .transpose()
              .mul(target.ln2Weight())
              .matMul(target.fcWeight().transpose());
    }
    return WeightProduct.toJava(result);
  }
}
