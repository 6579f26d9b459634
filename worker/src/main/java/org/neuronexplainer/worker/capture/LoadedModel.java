package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * What every architecture's model shares: the ownership of its native memory (one manager, freed on
 * close), the checks of a pass's input before any native work, one pass at a time each in its own
 * scope, and the copier thread that moves activations to Java beside the next blocks.
 */
abstract class LoadedModel implements SubjectModel {
  private final SubjectConfig config;
  private final ExecutorService copier;
  final Compute compute;
  final NDManager manager;
  // The SAEs loaded into this model, by name; their arrays live in their own sub-manager.
  private final Map<String, LoadedSae> saes = new LinkedHashMap<>();
  private final DeviceTokenSums tokenSums;

  private record LoadedSae(Sae sae, NDManager memory) {}

  LoadedModel(SubjectConfig config, Compute compute, NDManager manager) {
    this.config = config;
    this.compute = compute;
    this.manager = manager;
    this.tokenSums = new DeviceTokenSums(manager);
    this.copier =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "activation-copy");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Builds a model of one architecture from its checked tensors, once the engine is up. */
  interface Builder<M extends LoadedModel> {
    M build(CheckpointTensors tensors, Compute compute, NDManager manager);
  }

  /**
   * Opens a checkpoint's tensors, checks them with {@code check} before any native work, starts the
   * engine and builds the model, whose device memory is freed again if building fails.
   */
  static <M extends LoadedModel> M load(
      Path directory,
      ComputeOptions options,
      Consumer<CheckpointTensors> check,
      Builder<M> builder) {
    try (CheckpointTensors tensors = CheckpointTensors.open(directory)) {
      check.accept(tensors);
      Compute compute = Compute.of(options);
      NDManager manager = NDManager.newBaseManager(compute.device(), Compute.ENGINE);
      try {
        return builder.build(tensors, compute, manager);
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
    }
  }

  /**
   * The architecture's forward pass: offers each hook's activations to {@code taps}, and returns
   * the logits when asked for.
   *
   * @param ids {@code [batch, tokens]} int64 on the compute device
   */
  abstract Optional<FloatTensor> run(NDManager batch, NDArray ids, Taps taps);

  /** The matrices of the weight products (docs/method.md 11). */
  abstract WeightProduct.PathWeights pathWeights();

  @Override
  public SubjectConfig config() {
    return config;
  }

  @Override
  public int bytesPerActivation() {
    return compute.dataType().getNumOfBytes();
  }

  @Override
  public boolean onGpu() {
    return compute.device().isGpu();
  }

  @Override
  public String engineVersion() {
    return compute.engine().getVersion();
  }

  @Override
  public String describeCompute() {
    String device = compute.device().isGpu() ? "gpu:" + compute.device().getDeviceId() : "cpu";
    return device + " " + compute.dataType().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public final synchronized ForwardResult forward(
      int[][] tokenIds, ForwardRequest request, ActivationBuffers buffers) {
    long[] flat = flatten(tokenIds);
    checkHooks(request);
    try (NDScope scope = new NDScope();
        NDManager batch = manager.newSubManager()) {
      scope.suppressNotUsedWarning();
      NDArray ids = batch.create(flat, new Shape(tokenIds.length, tokenIds[0].length));
      Taps taps = new Taps(request, buffers, copier, batch, tokenSums, config.vocabSize());
      try {
        Optional<FloatTensor> logits = run(batch, ids, taps);
        return new ForwardResult(
            taps.collect(), taps.collectLatents(), logits, taps.collectReduced());
      } finally {
        taps.awaitAll();
      }
    }
  }

  @Override
  public final synchronized Optional<long[]> takeDeviceTokenSums(Hook hook, int[] tokens) {
    return tokenSums.take(hook, tokens);
  }

  @Override
  public final synchronized void clearDeviceTokenSums() {
    tokenSums.clear();
  }

  @Override
  public OptionalLong freeDeviceBytes() {
    if (!compute.device().isGpu()) {
      return OptionalLong.empty();
    }
    try {
      MemoryUsage memory = CudaUtils.getGpuMemory(compute.device());
      return OptionalLong.of(memory.getMax() - memory.getUsed());
    } catch (RuntimeException e) {
      return OptionalLong.empty(); // no CUDA runtime to ask: decided as if nothing were free
    }
  }

  @Override
  public final synchronized int unloadSaesExcept(Set<String> keep) {
    int freed = 0;
    for (var it = saes.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (!keep.contains(entry.getKey())) {
        entry.getValue().memory().close();
        it.remove();
        freed++;
      }
    }
    return freed;
  }

  @Override
  public final synchronized Sae loadSae(SaeFiles files) {
    LoadedSae loaded = saes.get(files.name());
    if (loaded != null && loaded.sae().files().equals(files)) {
      return loaded.sae();
    }
    checkFits(files);
    NDManager memory = manager.newSubManager();
    try {
      Sae sae = new Sae(files, SaeEncoder.load(files, memory, compute), this);
      if (loaded != null) {
        loaded.memory().close(); // the name now reads another SAE
      }
      saes.put(files.name(), new LoadedSae(sae, memory));
      return sae;
    } catch (RuntimeException e) {
      memory.close();
      throw e;
    }
  }

  /** Whether an SAE's hook and width fit this model, checked before its weights are read. */
  private void checkFits(SaeFiles files) {
    SaeConfig sae = files.config();
    Hook hook = sae.hook();
    String what = "SAE " + files.name() + " reads " + hook + " with d_in " + sae.dIn();
    if (hook.layer() >= config.layers()) {
      throw new CheckpointException(
          what
              + ", but the model ("
              + config.architecture()
              + ") has layers 0.."
              + (config.layers() - 1));
    }
    int width = hook.kind() == Hook.Kind.MLP_NEURONS ? config.neurons() : config.hiddenSize();
    if (sae.dIn() != width) {
      throw new CheckpointException(
          what
              + ", but the model's "
              + hook
              + " is "
              + width
              + " wide ("
              + config.architecture()
              + ", hidden size "
              + config.hiddenSize()
              + ")");
    }
  }

  @Override
  public final synchronized FloatTensor weightProduct(WeightProduct product) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return product.compute(pathWeights(), config);
    }
  }

  @Override
  public void close() {
    copier.shutdownNow();
    manager.close();
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
          length + " tokens is longer than the model's " + config.positions() + " positions");
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

  private void checkHooks(ForwardRequest request) {
    for (Sae sae : request.saes()) {
      LoadedSae loaded = saes.get(sae.name());
      if (sae.owner() != this || loaded == null || loaded.sae() != sae) {
        throw new IllegalArgumentException(sae + " is not loaded into this model");
      }
    }
    for (Hook hook : request.hooks()) {
      if (hook.layer() >= config.layers()) {
        throw new IllegalArgumentException(
            "layer "
                + hook.layer()
                + " does not exist (the model has layers 0.."
                + (config.layers() - 1)
                + ")");
      }
    }
  }

  /** {@code layer}, if the model has it. */
  static int checkLayer(SubjectConfig config, int layer) {
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
}
