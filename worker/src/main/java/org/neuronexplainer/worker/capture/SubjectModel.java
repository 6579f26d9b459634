package org.neuronexplainer.worker.capture;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A subject model loaded once and run many times: the one owner of its native memory. Forward
 * passes hand back plain Java arrays; every NDArray a pass creates is freed when it returns. Passes
 * are serialized: one model serves one caller at a time.
 */
public interface SubjectModel extends AutoCloseable {

  /**
   * Loads a Hugging Face checkpoint directory, of any architecture {@link Checkpoints} runs.
   *
   * @throws CheckpointException naming the missing file, unsupported architecture or setting, or
   *     missing or mis-shaped tensor
   */
  static SubjectModel load(Path directory, ComputeOptions options) {
    return Checkpoints.load(directory, options);
  }

  SubjectConfig config();

  /**
   * One batched forward pass.
   *
   * @param tokenIds {@code [batch][tokens]}, every sequence the same length, at most the model's
   *     positions
   * @param buffers the arrays the activations are copied into: those of the last pass given the
   *     same set are overwritten, so its caller must be done with them
   * @throws IllegalArgumentException for ids out of range, ragged or too long sequences, or a hook
   *     in a layer that does not exist
   */
  ForwardResult forward(int[][] tokenIds, ForwardRequest request, ActivationBuffers buffers);

  /** What {@code request} asks for, into new arrays that the caller may keep. */
  default ForwardResult forward(int[][] tokenIds, ForwardRequest request) {
    return forward(tokenIds, request, new ActivationBuffers());
  }

  /** The MLP neurons of every layer, no logits. */
  default ForwardResult forward(int[][] tokenIds) {
    return forward(tokenIds, IntStream.range(0, config().layers()).toArray(), false);
  }

  /** The MLP neurons of {@code layers}, into new arrays that the caller may keep. */
  default ForwardResult forward(int[][] tokenIds, int[] layers, boolean withLogits) {
    return forward(tokenIds, layers, withLogits, new ActivationBuffers());
  }

  /** The MLP neurons of {@code layers}, into {@code buffers}' arrays. */
  default ForwardResult forward(
      int[][] tokenIds, int[] layers, boolean withLogits, ActivationBuffers buffers) {
    return forward(tokenIds, ForwardRequest.mlp(layers, withLogits), buffers);
  }

  /**
   * Loads a sparse autoencoder's encoder into this model's memory (freed with the model), after
   * checking it fits: its hook's layer must exist and its {@code d_in} must be the width the hook
   * reads. Loading the same name from the same directory again gives the SAE already loaded.
   *
   * @throws CheckpointException naming the SAE, its hook and d_in and the model's, or a missing or
   *     mis-shaped tensor
   */
  Sae loadSae(SaeFiles files);

  /**
   * Frees the device memory of every loaded SAE whose name is not in {@code keep}; their handles
   * are refused by later passes. A worker that serves run after run keeps only what the current one
   * reads.
   *
   * @return how many were freed
   */
  int unloadSaesExcept(Set<String> keep);

  /**
   * A product of weight matrices (docs/method.md 11), computed on the model's device and returned
   * as float32.
   */
  FloatTensor weightProduct(WeightProduct product);

  /**
   * The token sums that reductions kept on the device for {@code hook} ({@link
   * DeviceBounds#residentTokenSums}), the rows of {@code tokens}, {@code [tokens.length * neurons]}
   * in the token table's fixed point; the device's table is freed. Empty where there is none.
   */
  default Optional<long[]> takeDeviceTokenSums(Hook hook, int[] tokens) {
    return Optional.empty();
  }

  /** Frees every token table kept on the device, so that a capture starts from none. */
  default void clearDeviceTokenSums() {}

  /** The GPU memory the driver reports free, where the pass runs on a GPU that reports it. */
  default OptionalLong freeDeviceBytes() {
    return OptionalLong.empty();
  }

  /** Bytes per activation in the pass's precision: 4 in float32, 2 in half precision. */
  default int bytesPerActivation() {
    return 4;
  }

  /** Whether the forward pass runs on a GPU, leaving the CPU cores free while it runs. */
  boolean onGpu();

  /** The libtorch version the engine loaded, e.g. {@code "2.7.1"}. */
  String engineVersion();

  /** Where it runs, e.g. {@code "cpu float32"} or {@code "gpu:0 float16"}, for logs. */
  String describeCompute();

  @Override
  void close();
}
