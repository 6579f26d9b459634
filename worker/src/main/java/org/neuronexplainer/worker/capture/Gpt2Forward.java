package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.Optional;

/**
 * GPT-2's forward pass in NDArray operations, the same computation as Hugging Face's
 * GPT2LMHeadModel in eval mode (no dropout, no cache, no padding). Every array it creates belongs
 * to the caller's per-batch manager or scope; only plain Java arrays come out.
 */
final class Gpt2Forward {
  private final Gpt2Config config;
  private final Gpt2Weights weights;
  private final Compute compute;

  Gpt2Forward(Gpt2Config config, Gpt2Weights weights, Compute compute) {
    this.config = config;
    this.weights = weights;
    this.compute = compute;
  }

  /**
   * Runs the blocks up to the last one the request needs (all of them when logits are wanted),
   * offering each hook's activations to {@code taps}.
   *
   * @param ids {@code [batch, tokens]} int64 on the compute device
   */
  Optional<FloatTensor> run(NDManager manager, NDArray ids, Taps taps) {
    long batch = ids.getShape().get(0);
    int tokens = (int) ids.getShape().get(1);
    NDArray positions = manager.arange(0, tokens, 1, DataType.INT64, compute.device());
    NDArray h = embed(ids, weights.wte()).add(embed(positions, weights.wpe()));
    NDArray mask = causalMask(manager, tokens);

    int lastBlock = taps.request().lastBlock(config.layers());
    for (int l = 0; l <= lastBlock; l++) {
      // Each block's intermediates (and the previous residual stream) are freed as soon as the
      // block is done, so libtorch reuses the same memory block after block; what the taps keep
      // moves to the pass's manager.
      try (NDManager blockManager = manager.newSubManager()) {
        h.attach(blockManager);
        taps.offer(new Hook(Hook.Kind.RESID_PRE, l), h);
        Gpt2Weights.Block block = weights.blocks().get(l);
        NDArray attended =
            h.add(
                attention(norm(h, block.ln1Weight(), block.ln1Bias()), block, mask, batch, tokens));
        NDArray hidden =
            linear(
                norm(attended, block.ln2Weight(), block.ln2Bias()),
                block.fcWeight(),
                block.fcBias());
        NDArray post = Gelu.geluNew(hidden);
        taps.offer(Hook.mlpNeurons(l), post);
        NDArray mlpOut = linear(post, block.mlpProjWeight(), block.mlpProjBias());
        taps.offer(new Hook(Hook.Kind.MLP_OUT, l), mlpOut);
        h = attended.add(mlpOut);
        taps.offer(new Hook(Hook.Kind.RESID_POST, l), h);
        h.attach(manager);
      }
    }
    if (!taps.request().logits()) {
      return Optional.empty();
    }
    NDArray last = norm(h, weights.lnFWeight(), weights.lnFBias());
    NDArray lastLogits = Linear.linear(last, weights.lmHead()).singletonOrThrow();
    return Optional.of(Taps.toJava(lastLogits, float[]::new));
  }

  private NDArray attention(
      NDArray x, Gpt2Weights.Block block, NDArray mask, long batch, int tokens) {
    int heads = config.heads();
    int headSize = config.headSize();
    NDList qkv = linear(x, block.attnWeight(), block.attnBias()).split(3, 2);
    NDArray q = splitHeads(qkv.get(0), batch, tokens);
    NDArray k = splitHeads(qkv.get(1), batch, tokens);
    NDArray v = splitHeads(qkv.get(2), batch, tokens);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    if (config.scaleAttentionWeights()) {
      scores = scores.div(Math.sqrt(headSize));
    }
    NDArray probabilities = scores.add(mask).softmax(3);
    NDArray context =
        probabilities
            .matMul(v)
            .transpose(0, 2, 1, 3)
            .reshape(batch, tokens, (long) heads * headSize);
    return linear(context, block.attnProjWeight(), block.attnProjBias());
  }

  private NDArray splitHeads(NDArray x, long batch, int tokens) {
    return x.reshape(batch, tokens, config.heads(), config.headSize()).transpose(0, 2, 1, 3);
  }

  /** [tokens, tokens]: 0 where a query may attend (key position <= query position), else -inf. */
  private NDArray causalMask(NDManager manager, int tokens) {
    float[] mask = new float[tokens * tokens];
    for (int query = 0; query < tokens; query++) {
      for (int key = query + 1; key < tokens; key++) {
        mask[query * tokens + key] = Float.NEGATIVE_INFINITY;
      }
    }
    return manager
        .create(mask, new Shape(tokens, tokens))
        .toType(compute.dataType(), false)
        .toDevice(compute.device(), false);
  }

  private static NDArray embed(NDArray ids, NDArray table) {
    return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private NDArray norm(NDArray x, NDArray gain, NDArray bias) {
    Shape normalized = new Shape(config.embeddingSize());
    return LayerNorm.layerNorm(x, normalized, gain, bias, (float) config.layerNormEpsilon())
        .singletonOrThrow();
  }

  private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
