package org.neuronexplainer.worker.capture;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The weight products of docs/method.md 11: the direct residual-stream path between token
 * embeddings, MLP neurons and the unembedding, with the norms' gains and nothing else (no biases,
 * no mean-centering, no attention). Rows are what one reads per neuron, so each result is laid out
 * with the neuron on the first axis. Each architecture computes them from its own weights ({@link
 * SubjectModel#weightProduct}); "Win" is the matrix that makes a neuron from the residual stream
 * and "Wout" the one that writes it back.
 */
public sealed interface WeightProduct {

  /**
   * {@code [neurons, vocab]}: Σ_d wte[t, d] · g_mlpnorm^layer[d] · Win^layer[d, n], per neuron n.
   */
  record InputTokens(int layer) implements WeightProduct {}

  /** {@code [neurons, vocab]}: Σ_d Wout^layer[n, d] · g_finalnorm[d] · unembed[t, d]. */
  record OutputTokens(int layer) implements WeightProduct {}

  /**
   * {@code [source neurons, target neurons]}: Σ_d Wout^source[n1, d] · g_mlpnorm^target[d] ·
   * Win^target[d, n2], for source &lt; target.
   */
  record Neurons(int source, int target) implements WeightProduct {}

  /**
   * The matrices the products read, in the {@code [out, in]} layout that {@code Linear} holds: what
   * each architecture calls them is its own business.
   */
  interface PathWeights {
    /** "Win": {@code [neurons, d]}, what makes the layer's neurons from the residual stream. */
    NDArray neuronIn(int layer);

    /** The gain of the norm in front of the layer's MLP, {@code [d]}. */
    NDArray mlpNormGain(int layer);

    /** "Wout": {@code [d, neurons]}, what writes the layer's neurons back. */
    NDArray neuronOut(int layer);

    /** The gain of the norm in front of the unembedding, {@code [d]}. */
    NDArray finalNormGain();

    /** The token embedding, {@code [vocab, d]}. */
    NDArray embedding();

    /** The unembedding, {@code [vocab, d]}. */
    NDArray unembedding();
  }

  /** The product in {@code w}'s weights, on their device, as float32. */
  default FloatTensor compute(PathWeights w, SubjectConfig config) {
    NDArray result;
    if (this instanceof InputTokens in) {
      int layer = LoadedModel.checkLayer(config, in.layer());
      result = w.neuronIn(layer).mul(w.mlpNormGain(layer)).matMul(w.embedding().transpose());
    } else if (this instanceof OutputTokens out) {
      int layer = LoadedModel.checkLayer(config, out.layer());
      result =
          w.neuronOut(layer).transpose().mul(w.finalNormGain()).matMul(w.unembedding().transpose());
    } else {
      Neurons n = (Neurons) this;
      if (LoadedModel.checkLayer(config, n.source())
          >= LoadedModel.checkLayer(config, n.target())) {
        throw new IllegalArgumentException("the source layer must come before the target layer");
      }
      result =
          w.neuronOut(n.source())
              .transpose()
              .mul(w.mlpNormGain(n.target()))
              .matMul(w.neuronIn(n.target()).transpose());
    }
    return toJava(result);
  }

  /** A {@code [rows, columns]} result on the device as a float32 Java tensor. */
  static FloatTensor toJava(NDArray result) {
    long[] shape = result.getShape().getShape();
    float[] data =
        result.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false).toFloatArray();
    return new FloatTensor(new int[] {(int) shape[0], (int) shape[1]}, data);
  }
}
