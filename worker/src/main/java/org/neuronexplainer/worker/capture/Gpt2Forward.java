package org.neuronexplainer.worker.capture;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * GPT-2's forward pass in NDArray operations, the same computation as Hugging Face's
 * GPT2LMHeadModel in eval mode (no dropout, no cache, no padding). Every array it creates belongs
 * to the caller's per-batch manager or scope; only plain Java arrays come out.
 */
final class Gpt2Forward {
  private final Gpt2Config config;
  private final Gpt2Weights weights;
  private final Compute compute;
  private final ExecutorService copier;

  /**
   * @param copier copies activations out of libtorch while the next blocks run
   */
  Gpt2Forward(Gpt2Config config, Gpt2Weights weights, Compute compute, ExecutorService copier) {
    this.config = config;
    this.weights = weights;
    this.compute = compute;
    this.copier = copier;
  }

  /**
   * Runs blocks 0..last selected layer (all of them when logits are wanted).
   *
   * @param ids {@code [batch, tokens]} int64 on the compute device
   * @param buffers where the selected layers' activations are copied to
   */
  ForwardResult run(
      NDManager manager,
      NDArray ids,
      BitSet layers,
      boolean withLogits,
      ActivationBuffers buffers) {
    long batch = ids.getShape().get(0);
    int tokens = (int) ids.getShape().get(1);
    NDArray positions = manager.arange(0, tokens, 1, DataType.INT64, compute.device());
    NDArray h = embed(ids, weights.wte()).add(embed(positions, weights.wpe()));
    NDArray mask = causalMask(manager, tokens);

    int lastBlock = withLogits ? config.layers() - 1 : layers.length() - 1;
    Map<Integer, Future<FloatTensor>> copies = new LinkedHashMap<>();
    try {
      for (int l = 0; l <= lastBlock; l++) {
        // Each block's intermediates (and the previous residual stream) are freed as soon as the
        // block is done, so libtorch reuses the same memory block after block.
        try (NDManager blockManager = manager.newSubManager()) {
          h.attach(blockManager);
          Gpt2Weights.Block block = weights.blocks().get(l);
          NDArray attended =
              h.add(
                  attention(
                      norm(h, block.ln1Weight(), block.ln1Bias()), block, mask, batch, tokens));
          NDArray hidden =
              linear(
                  norm(attended, block.ln2Weight(), block.ln2Bias()),
                  block.fcWeight(),
                  block.fcBias());
          NDArray post = Gelu.geluNew(hidden);
          if (layers.get(l)) {
            // Kept until the pass ends; copied to Java beside the next blocks' computation.
            post.attach(manager);
            int layer = l;
            copies.put(l, copier.submit(() -> toJava(post, size -> buffers.take(layer, size))));
          }
          h = attended.add(linear(post, block.mlpProjWeight(), block.mlpProjBias()));
          h.attach(manager);
        }
      }
      Optional<FloatTensor> logits = Optional.empty();
      if (withLogits) {
        NDArray last = norm(h, weights.lnFWeight(), weights.lnFBias());
        NDArray lastLogits = Linear.linear(last, weights.lmHead()).singletonOrThrow();
        logits = Optional.of(toJava(lastLogits, float[]::new));
      }
      return new ForwardResult(collect(copies), logits);
    } finally {
      awaitAll(copies.values());
    }
  }

  private static Map<Integer, FloatTensor> collect(Map<Integer, Future<FloatTensor>> copies) {
    Map<Integer, FloatTensor> activations = new LinkedHashMap<>();
    for (Map.Entry<Integer, Future<FloatTensor>> copy : copies.entrySet()) {
      try {
        activations.put(copy.getKey(), copy.getValue().get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while copying activations", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(e.getCause().getMessage(), e.getCause());
      }
    }
    return activations;
  }

  /** Waits, uninterruptibly, until no copy still reads the pass's tensors. */
  private static void awaitAll(Iterable<Future<FloatTensor>> copies) {
    boolean interrupted = false;
    for (Future<FloatTensor> copy : copies) {
      while (true) {
        try {
          copy.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          break; // reported by collect, or the pass failed first
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
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

  /** Copies the array to the host, as float32, into {@code into.apply(its size)}. */
  private static FloatTensor toJava(NDArray array, IntFunction<float[]> into) {
    int[] shape = new int[array.getShape().dimension()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = Math.toIntExact(array.getShape().get(i));
    }
    NDArray host = array.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false);
    // A view of the tensor's own memory (no intermediate direct buffer), copied once into the
    // Java array; valid while the array lives, which is until the pass's scope closes.
    float[] values = into.apply(Math.toIntExact(host.size()));
    host.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(values);
    return new FloatTensor(shape, values);
  }
}
