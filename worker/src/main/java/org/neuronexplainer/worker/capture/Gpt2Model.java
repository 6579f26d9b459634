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

  /** GPT-2's: c_fc and c_proj, ln_2's and ln_f's gains, the tied token embedding. */
  @Override
  WeightProduct.PathWeights pathWeights() {
    return new WeightProduct.PathWeights() {
      public NDArray neuronIn(int layer) {
        return weights.blocks().get(layer).fcWeight();
      }

      public NDArray mlpNormGain(int layer) {
        return weights.blocks().get(layer).ln2Weight();
      }

      public NDArray neuronOut(int layer) {
        return weights.blocks().get(layer).mlpProjWeight();
      }

      public NDArray finalNormGain() {
        return weights.lnFWeight();
      }

      public NDArray embedding() {
        return weights.wte();
      }

      public NDArray unembedding() {
        return weights.wte();
      }
    };
  }
}
