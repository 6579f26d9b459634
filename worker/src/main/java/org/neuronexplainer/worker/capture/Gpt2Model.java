package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * A GPT-2 loaded once and run many times: the one owner of the model's native memory. Forward
 * passes hand back plain Java arrays; every NDArray a pass creates is freed when it returns.
 *
 * <p>Passes are serialized: one model serves one caller at a time, which is how capture uses it
 * (PyTorch already spreads each pass over the CPU cores or the GPU).
 */
public final class Gpt2Model implements AutoCloseable {
  private final Gpt2Config config;
  private final Compute compute;
  private final NDManager manager;
  private final Gpt2Forward forward;
  private final Gpt2Weights weights;
  private final ExecutorService copier;

  private Gpt2Model(Gpt2Config config, Compute compute, NDManager manager, Gpt2Weights weights) {
    this.config = config;
    this.compute = compute;
    this.manager = manager;
    this.weights = weights;
    this.copier =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "activation-copy");
              thread.setDaemon(true);
              return thread;
            });
    this.forward = new Gpt2Forward(config, weights, compute, copier);
  }

  /**
   * Loads {@code config.json} and the safetensors weights of a Hugging Face GPT-2 directory.
   *
   * @throws CheckpointException naming the missing file, unsupported setting, or missing or
   *     mis-shaped tensor
   */
  public static Gpt2Model load(Path directory, ComputeOptions options) {
    if (!Files.isDirectory(directory)) {
      throw new CheckpointException(directory + " is not a directory");
    }
    Path configFile = directory.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new CheckpointException(directory + " has no config.json");
    }
    Gpt2Config config = Gpt2Config.read(configFile);
    try (CheckpointTensors tensors = CheckpointTensors.open(directory)) {
      WeightShapes.check(config, tensors, directory.toString());
      Compute compute = Compute.of(options);
      NDManager manager = NDManager.newBaseManager(compute.device(), Compute.ENGINE);
      try {
        return new Gpt2Model(
            config, compute, manager, Gpt2Weights.load(tensors, config, manager, compute));
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
    }
  }

  public Gpt2Config config() {
    return config;
  }

  /** Whether the forward pass runs on a GPU, leaving the CPU cores free while it runs. */
  public boolean onGpu() {
    return compute.device().isGpu();
  }

  /** The libtorch version the engine loaded, e.g. {@code "2.7.1"}. */
  public String engineVersion() {
    return compute.engine().getVersion();
  }

  /** Where it runs, e.g. {@code "cpu float32"} or {@code "gpu:0 float16"}, for logs. */
  public String describeCompute() {
    String device = compute.device().isGpu() ? "gpu:" + compute.device().getDeviceId() : "cpu";
    return device + " " + compute.dataType().name().toLowerCase(Locale.ROOT);
  }

  /** The MLP activations of every layer, no logits. */
  public ForwardResult forward(int[][] tokenIds) {
    return forward(tokenIds, IntStream.range(0, config.layers()).toArray(), false);
  }

  /**
   * One batched forward pass, into new arrays that the caller may keep.
   *
   * @param tokenIds {@code [batch][tokens]}, every sequence the same length, at most n_positions
   * @param layers the layers whose MLP post-activations to return
   * @param withLogits also compute and return the logits
   * @throws IllegalArgumentException for ids out of range, ragged or too long sequences, or a layer
   *     that does not exist
   */
  public ForwardResult forward(int[][] tokenIds, int[] layers, boolean withLogits) {
    return forward(tokenIds, layers, withLogits, new ActivationBuffers()); // a set of its own
  }

  /**
   * The same pass, with the activations copied into {@code buffers}' arrays: those of the last pass
   * given the same set are overwritten, so its caller must be done with them.
   */
  public synchronized ForwardResult forward(
      int[][] tokenIds, int[] layers, boolean withLogits, ActivationBuffers buffers) {
    long[] flat = flatten(tokenIds);
    BitSet selected = selectLayers(layers);
    try (NDScope scope = new NDScope();
        NDManager batch = manager.newSubManager()) {
      scope.suppressNotUsedWarning();
      NDArray ids = batch.create(flat, new Shape(tokenIds.length, tokenIds[0].length));
      return forward.run(batch, ids, selected, withLogits, buffers);
    }
  }

  private long[] flatten(int[][] tokenIds) {
    if (tokenIds.length == 0) {
      throw new IllegalArgumentException("no sequences to run");
    }
    int length = tokenIds[0].length;
    if (length == 0) {
      throw new IllegalArgumentException("sequence 0 is empty");
    }
    if (length > config.positions()) {
      throw new IllegalArgumentException(
          length + " tokens is longer than the model's n_positions " + config.positions());
    }
    long[] flat = new long[tokenIds.length * length];
    for (int s = 0; s < tokenIds.length; s++) {
      if (tokenIds[s].length != length) {
        throw new IllegalArgumentException(
            "sequences in a batch must have the same length: sequence 0 has "
                + length
                + " tokens, sequence "
                + s
                + " has "
                + tokenIds[s].length);
      }
      for (int t = 0; t < length; t++) {
        int id = tokenIds[s][t];
        if (id < 0 || id >= config.vocabSize()) {
          throw new IllegalArgumentException(
              "token id "
                  + id
                  + " at sequence "
                  + s
                  + ", position "
                  + t
                  + " is outside the vocabulary (0.."
                  + (config.vocabSize() - 1)
                  + ")");
        }
        flat[s * length + t] = id;
      }
    }
    return flat;
  }

  private BitSet selectLayers(int[] layers) {
    BitSet selected = new BitSet(config.layers());
    for (int layer : layers) {
      if (layer < 0 || layer >= config.layers()) {
        throw new IllegalArgumentException(
            "layer "
                + layer
                + " does not exist (the model has layers 0.."
                + (config.layers() - 1)
                + ")");
      }
      selected.set(layer);
    }
    return selected;
  }

  /**
   * A product of weight matrices (docs/method.md 11), computed on the model's device in one batched
   * matrix multiplication and returned as float32.
   */
  public synchronized FloatTensor weightProduct(WeightProduct product) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return product.compute(weights, config, compute);
    }
  }

  @Override
  public void close() {
    copier.shutdownNow();
    manager.close();
  }
}
