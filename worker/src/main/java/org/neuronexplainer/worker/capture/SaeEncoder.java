package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/**
 * An SAE's encoder on the model's device, in float32 whatever the model's precision (SAELens casts
 * the hook's activations to the SAE's dtype, float32 for the SAEs it publishes): {@code pre = (x -
 * b_dec * apply_b_dec_to_input) W_enc + b_enc}, then the architecture's activation (docs/method.md,
 * SAE latents). The decoder is checked but not loaded: capture only encodes.
 */
final class SaeEncoder {
  private final SaeConfig config;
  private final NDArray wEnc; // [d_in, d_sae]
  private final NDArray bEnc; // [d_sae]
  private final NDArray bDec; // [d_in], null when not applied to the input
  private final NDArray threshold; // [d_sae], JumpReLU only

  private SaeEncoder(
      SaeConfig config, NDArray wEnc, NDArray bEnc, NDArray bDec, NDArray threshold) {
    this.config = config;
    this.wEnc = wEnc;
    this.bEnc = bEnc;
    this.bDec = bDec;
    this.threshold = threshold;
  }

  /**
   * Reads the weights of {@code files} into {@code manager} on {@code compute}'s device.
   *
   * @throws CheckpointException naming the SAE and the missing or mis-shaped tensor
   */
  static SaeEncoder load(SaeFiles files, NDManager manager, Compute compute) {
    SaeConfig config = files.config();
    String where = "SAE " + files.name() + " (" + files.weights() + ")";
    int dIn = config.dIn();
    int dSae = config.dSae();
    Compute float32 = new Compute(compute.engine(), compute.device(), DataType.FLOAT32);
    try (CheckpointTensors tensors = CheckpointTensors.openFile(files.weights())) {
      String thresholdName = checkTensors(files, tensors);
      TensorLoader loader = new TensorLoader(tensors, manager, float32);
      NDArray wEnc = loader.plain("W_enc");
      NDArray bEnc = loader.plain("b_enc");
      NDArray bDec = config.applyBDecToInput() ? loader.plain("b_dec") : null;
      NDArray threshold = null;
      if (thresholdName != null) {
        threshold = loader.plain(thresholdName);
        if (thresholdName.equals("log_threshold")) {
          NDArray exp = threshold.exp();
          exp.attach(manager);
          threshold.close();
          threshold = exp;
        }
      }
      return new SaeEncoder(config, wEnc, bEnc, bDec, threshold);
    }
  }

  /**
   * Checks that the SAE's weights file holds every tensor its config needs, in the shapes it
   * implies, reading only the file's header; for a capture that must not start with a broken SAE.
   *
   * @throws CheckpointException naming the SAE and the missing or mis-shaped tensor
   */
  static void checkTensors(SaeFiles files) {
    try (CheckpointTensors tensors = CheckpointTensors.openFile(files.weights())) {
      checkTensors(files, tensors);
    }
  }

  /** The checks of {@link #checkTensors(SaeFiles)}; returns the threshold's name for JumpReLU. */
  private static String checkTensors(SaeFiles files, CheckpointTensors tensors) {
    SaeConfig config = files.config();
    String where = "SAE " + files.name() + " (" + files.weights() + ")";
    int dIn = config.dIn();
    int dSae = config.dSae();
    check(tensors, where, "W_enc", dIn, dSae);
    check(tensors, where, "b_enc", dSae);
    check(tensors, where, "W_dec", dSae, dIn);
    check(tensors, where, "b_dec", dIn);
    if (config.architecture() != SaeConfig.Architecture.JUMPRELU) {
      return null;
    }
    // Training checkpoints keep log(threshold); saved inference weights the threshold itself.
    String thresholdName = tensors.entry("threshold").isPresent() ? "threshold" : "log_threshold";
    if (tensors.entry(thresholdName).isEmpty()) {
      throw new CheckpointException(where + ": missing tensor threshold (a jumprelu SAE)");
    }
    check(tensors, where, thresholdName, dSae);
    return thresholdName;
  }

  private static void check(CheckpointTensors tensors, String where, String name, long... shape) {
    TensorEntry entry =
        tensors
            .entry(name)
            .orElseThrow(() -> new CheckpointException(where + ": missing tensor " + name));
    if (!Arrays.equals(entry.shape(), shape)) {
      throw new CheckpointException(
          where
              + ": tensor "
              + name
              + " has shape "
              + Arrays.toString(entry.shape())
              + ", expected "
              + Arrays.toString(shape)
              + " from cfg.json's d_in and d_sae");
    }
  }

  /**
   * The latents of {@code x}, {@code [..., d_in]} in the model's precision: {@code [..., d_sae]}
   * float32, in the arrays' manager.
   */
  NDArray encode(NDArray x) {
    NDArray in = x.toType(DataType.FLOAT32, false);
    if (bDec != null) {
      in = in.sub(bDec);
    }
    NDArray pre = in.matMul(wEnc).add(bEnc);
    return switch (config.architecture()) {
      case STANDARD -> pre.maximum(0f);
      // As SAELens: relu(pre), kept where pre is above the threshold.
      case JUMPRELU -> pre.maximum(0f).mul(pre.gt(threshold).toType(DataType.FLOAT32, false));
      case TOPK -> {
        NDList top = pre.topK(config.k(), -1, true, false);
        // relu of the k largest, scattered back among zeros
        yield pre.zerosLike().scatter(top.get(1), top.get(0).maximum(0f), -1);
      }
    };
  }
}
