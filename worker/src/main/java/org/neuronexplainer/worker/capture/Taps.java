package org.neuronexplainer.worker.capture;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The hooks of one forward pass: a forward pass offers its activations at each hook, and those
 * asked for are copied to Java beside the blocks that follow (on the model's copier thread).
 */
final class Taps {
  private final ForwardRequest request;
  private final ActivationBuffers buffers;
  private final ExecutorService copier;
  private final NDManager pass;
  private final DeviceTokenSums tokenSums;
  private final int vocab;
  private final Map<Hook, Future<FloatTensor>> copies = new LinkedHashMap<>();
  private final Map<String, Future<FloatTensor>> latentCopies = new LinkedHashMap<>();
  private final Map<Hook, Future<ReducedBatch>> reductions = new LinkedHashMap<>();

  /**
   * @param pass the pass's manager: what is taken is kept in it until the pass ends
   */
  Taps(ForwardRequest request, ActivationBuffers buffers, ExecutorService copier, NDManager pass) {
    this(request, buffers, copier, pass, null, 0);
  }

  /**
   * @param tokenSums where the token sums of reductions that keep them on the device go, with
   *     {@code vocab} rows per hook; null where no reduction does
   */
  Taps(
      ForwardRequest request,
      ActivationBuffers buffers,
      ExecutorService copier,
      NDManager pass,
      DeviceTokenSums tokenSums,
      int vocab) {
    this.request = request;
    this.buffers = buffers;
    this.copier = copier;
    this.pass = pass;
    this.tokenSums = tokenSums;
    this.vocab = vocab;
  }

  ForwardRequest request() {
    return request;
  }

  boolean wants(Hook hook) {
    return request.reads(hook);
  }

  /**
   * Offers the activations at {@code hook}: copies them out if they were asked for, and the latents
   * of each SAE that reads them, encoded here on the device.
   */
  void offer(Hook hook, NDArray offered) {
    if (!wants(hook)) {
      return;
    }
    // Positions of a prefix (a BOS before each excerpt) are run but not handed back.
    NDArray activations =
        request.prefix() == 0
            ? offered
            : offered.get(new NDIndex(":, {}:", request.prefix())).duplicate();
    for (Sae sae : request.saes()) {
      if (sae.hook().equals(hook)) {
        NDArray latents = sae.encoder().encode(activations);
        latents.attach(pass);
        int slot = request.slotOf(sae);
        latentCopies.put(
            sae.name(), copier.submit(() -> toJava(latents, size -> buffers.take(slot, size))));
      }
    }
    DeviceBounds bounds = request.reduced().get(hook);
    if (bounds != null) {
      activations.attach(pass);
      DeviceReduction.ResidentSums resident =
          bounds.residentTokenSums() && tokenSums != null
              ? (tokens, sums, scope) -> tokenSums.add(hook, vocab, tokens, sums, scope)
              : null;
      reductions.put(
          hook, copier.submit(() -> DeviceReduction.reduce(activations, bounds, resident)));
    } else if (request.hooks().contains(hook)) {
      activations.attach(pass);
      int slot = request.hooks().indexOf(hook);
      copies.put(hook, copier.submit(() -> toJava(activations, size -> buffers.take(slot, size))));
    }
  }

  /** Every copy of latents, by SAE, once done; a failed copy is rethrown. */
  Map<String, FloatTensor> collectLatents() {
    return collect(latentCopies);
  }

  /** Every copy, once done; a failed copy is rethrown. */
  Map<Hook, FloatTensor> collect() {
    return collect(copies);
  }

  /** Every reduction, once done; a failed one is rethrown. */
  Map<Hook, ReducedBatch> collectReduced() {
    return collect(reductions);
  }

  private static <K, V> Map<K, V> collect(Map<K, Future<V>> copies) {
    Map<K, V> activations = new LinkedHashMap<>();
    for (Map.Entry<K, Future<V>> copy : copies.entrySet()) {
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
  void awaitAll() {
    boolean interrupted = false;
    List<Future<?>> all = new ArrayList<>(copies.values());
    all.addAll(latentCopies.values());
    all.addAll(reductions.values());
    for (Future<?> copy : all) {
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

  /** Copies the array to the host, as float32, into {@code into.apply(its size)}. */
  static FloatTensor toJava(NDArray array, IntFunction<float[]> into) {
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
