package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.util.Optional;

/**
 * A Llama-family forward pass in NDArray operations, the same computation as Hugging Face's
 * LlamaForCausalLM (and Mistral's and Qwen 2's) in eval mode: RMSNorm in float32, rotary embeddings
 * in the rotate-half convention, grouped-query attention with a causal (and for Mistral a
 * sliding-window) mask, and the SwiGLU MLP whose neurons are {@code silu(gate_proj(x)) *
 * up_proj(x)}. Every array it creates belongs to the caller's per-batch manager or scope.
 */
final class LlamaForward {
  private final LlamaConfig config;
  private final LlamaWeights weights;
  private final Compute compute;
  private final float[] inverseFrequencies;

  LlamaForward(LlamaConfig config, LlamaWeights weights, Compute compute) {
    this.config = config;
    this.weights = weights;
    this.compute = compute;
    this.inverseFrequencies =
        Rope.inverseFrequencies(config.headDim(), config.ropeTheta(), config.llama3());
  }

  /**
   * Runs the blocks up to the last one the request needs (all of them when logits are wanted),
   * offering each hook's activations to {@code taps}, as Gpt2Forward does.
   *
   * @param ids {@code [batch, tokens]} int64 on the compute device
   */
  Optional<FloatTensor> run(NDManager manager, NDArray ids, Taps taps) {
    long batch = ids.getShape().get(0);
    int tokens = (int) ids.getShape().get(1);
    NDArray h = Embedding.embedding(ids, weights.embed(), SparseFormat.DENSE).singletonOrThrow();
    NDArray mask = mask(manager, tokens);
    NDArray cos = onDevice(manager, Rope.table(inverseFrequencies, tokens, false), tokens);
    NDArray sin = onDevice(manager, Rope.table(inverseFrequencies, tokens, true), tokens);

    int lastBlock = taps.request().lastBlock(config.layers());
    for (int l = 0; l <= lastBlock; l++) {
      // As in Gpt2Forward: a block's intermediates are freed when it is done.
      try (NDManager blockManager = manager.newSubManager()) {
        h.attach(blockManager);
        taps.offer(new Hook(Hook.Kind.RESID_PRE, l), h);
        LlamaWeights.Block block = weights.blocks().get(l);
        NDArray attended =
            h.add(attention(norm(h, block.inputNorm()), block, mask, cos, sin, batch, tokens));
        NDArray x = norm(attended, block.postAttentionNorm());
        NDArray gate = linear(x, block.gate(), block.gateBias());
        NDArray neurons =
            gate.mul(Activation.sigmoid(gate)).mul(linear(x, block.up(), block.upBias()));
        taps.offer(Hook.mlpNeurons(l), neurons);
        NDArray mlpOut = linear(neurons, block.down(), block.downBias());
        taps.offer(new Hook(Hook.Kind.MLP_OUT, l), mlpOut);
        h = attended.add(mlpOut);
        taps.offer(new Hook(Hook.Kind.RESID_POST, l), h);
        h.attach(manager);
      }
    }
    if (!taps.request().logits()) {
      return Optional.empty();
    }
    NDArray logits = Linear.linear(norm(h, weights.norm()), weights.lmHead()).singletonOrThrow();
    return Optional.of(Taps.toJava(logits, float[]::new));
  }

  private NDArray attention(
      NDArray x,
      LlamaWeights.Block block,
      NDArray mask,
      NDArray cos,
      NDArray sin,
      long batch,
      int tokens) {
    int heads = config.heads();
    int kvHeads = config.kvHeads();
    NDArray q = rotate(split(linear(x, block.q(), block.qBias()), heads, batch, tokens), cos, sin);
    NDArray k =
        rotate(split(linear(x, block.k(), block.kBias()), kvHeads, batch, tokens), cos, sin);
    NDArray v = split(linear(x, block.v(), block.vBias()), kvHeads, batch, tokens);
    k = repeatKv(k, batch, tokens);
    v = repeatKv(v, batch, tokens);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(1 / Math.sqrt(config.headDim()));
    // Softmax in float32, as Hugging Face's eager attention does, whatever the compute type.
    NDArray probabilities =
        scores.add(mask).toType(DataType.FLOAT32, false).softmax(3).toType(q.getDataType(), false);
    NDArray context =
        probabilities
            .matMul(v)
            .transpose(0, 2, 1, 3)
            .reshape(batch, tokens, (long) heads * config.headDim());
    return linear(context, block.o(), block.oBias());
  }

  /** {@code [batch, tokens, n * headDim]} to {@code [batch, n, tokens, headDim]}. */
  private NDArray split(NDArray x, int n, long batch, int tokens) {
    return x.reshape(batch, tokens, n, config.headDim()).transpose(0, 2, 1, 3);
  }

  /** {@code x * cos + rotate_half(x) * sin}, rotate_half(x) being {@code [-x2, x1]}. */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
    NDList halves = x.split(2, 3);
    NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), 3);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /** Grouped-query attention: each key/value head serves heads / kvHeads query heads in a row. */
  private NDArray repeatKv(NDArray x, long batch, int tokens) {
    int groups = config.heads() / config.kvHeads();
    if (groups == 1) {
      return x;
    }
    int kvHeads = config.kvHeads();
    long d = config.headDim();
    return x.expandDims(2)
        .broadcast(new Shape(batch, kvHeads, groups, tokens, d))
        .reshape(batch, (long) kvHeads * groups, tokens, d);
  }

  /**
   * {@code [tokens, tokens]}: 0 where a query may attend, else -inf. A query sees the keys at and
   * before it, and with a sliding window only the last {@code window} of them (itself included).
   */
  private NDArray mask(NDManager manager, int tokens) {
    int window = config.slidingWindow();
    float[] mask = new float[tokens * tokens];
    for (int query = 0; query < tokens; query++) {
      for (int key = 0; key < tokens; key++) {
        boolean visible = key <= query && (window == 0 || key > query - window);
        mask[query * tokens + key] = visible ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return onDevice(manager, mask, tokens);
  }

  private NDArray onDevice(NDManager manager, float[] values, int rows) {
    return manager
        .create(values, new Shape(rows, values.length / rows))
        .toType(compute.dataType(), false)
        .toDevice(compute.device(), false);
  }

  /** RMSNorm as Hugging Face computes it: in float32, then back to the compute type, times gain. */
  private NDArray norm(NDArray x, NDArray gain) {
    NDArray wide = x.toType(DataType.FLOAT32, false);
    NDArray meanSquare = wide.square().mean(new int[] {2}, true);
    NDArray normalized = wide.mul(meanSquare.add(config.rmsNormEps()).pow(-0.5));
    return normalized.toType(x.getDataType(), false).mul(gain);
  }

  private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return bias == null
        ? Linear.linear(x, weight).singletonOrThrow()
        : Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
