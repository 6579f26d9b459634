package org.neuronexplainer.worker.capture;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The weight products of docs/method.md 11: the direct residual-stream path between token
 * embeddings, MLP neurons and the unembedding, with layer-norm gains and nothing else (no biases,
 * no mean-centering, no attention). Rows are what one reads per neuron, so each result is laid out
 * with the neuron on the first axis.
 */
public sealed interface WeightProduct {

  /** {@code [neurons, vocab]}: Σ_d wte[t, d] · g_ln2^layer[d] · Win^layer[d, n], per neuron n. */
  record InputTokens(int layer) implements WeightProduct {}

  /** {@code [neurons, vocab]}: Σ_d Wout^layer[n, d] · g_lnf[d] · wte[t, d]. */
  record OutputTokens(int layer) implements WeightProduct {}

  /**
   * {@code [source neurons, target neurons]}: Σ_d Wout^source[n1, d] · g_ln2^target[d] ·
   * Win^target[d, n2], for source &lt; target.
   */
  record Neurons(int source, int target) implements WeightProduct {}

  private static int checkLayer(Gpt2Config config, int layer) {
    if (layer < 0 || layer >= config.layers()) {
      throw new IllegalArgumentException(
          "layer "
              + layer
              + " does not exist (the model has layers 0.."
              + (config.layers() - 1)
              + ")");
    }
    return layer;
  }

  default FloatTensor compute(Gpt2Weights w, Gpt2Config config, Compute compute) {
    NDArray result;
    // Gpt2Weights holds Linear weights as [out, in]: fcWeight is [neurons, d], mlpProjWeight is
    // [d, neurons].
    if (this instanceof InputTokens in) {
      Gpt2Weights.Block b = w.blocks().get(checkLayer(config, in.layer()));
      result = b.fcWeight().mul(b.ln2Weight()).matMul(w.wte().transpose());
    } else if (this instanceof OutputTokens out) {
      Gpt2Weights.Block b = w.blocks().get(checkLayer(config, out.layer()));
      result = b.mlpProjWeight().transpose().mul(w.lnFWeight()).matMul(w.wte().transpose());
    } else {
      Neurons n = (Neurons) this;
      if (checkLayer(config, n.source()) >= checkLayer(config, n.target())) {
        throw new IllegalArgumentException("the source layer must come before the target layer");
      }
      Gpt2Weights.Block source = w.blocks().get(n.source());
      Gpt2Weights.Block target = w.blocks().get(n.target());
      result =
          source
              .mlpProjWeight()
              .transpose()
              .mul(target.ln2Weight())
              .matMul(target.fcWeight().transpose());
    }
    long[] shape = result.getShape().getShape();
    float[] data =
        result.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false).toFloatArray();
    return new FloatTensor(new int[] {(int) shape[0], (int) shape[1]}, data);
  }
}
