package org.neuronexplainer.worker.capture;

import java.util.Locale;

/** The floating-point type the forward pass computes in. */
public enum Precision {
  /** The reference: matches Hugging Face to about 1e-5. */
  FLOAT32,
  /** For GPUs; on a CPU it is slow and less exact. */
  FLOAT16,
  /**
   * Named so that asking for it gets a reason, but refused on every device: DJL 0.36's PyTorch
   * engine aborts the process on any bfloat16 tensor (see {@link ComputeOptions}). Checkpoints
   * stored in bfloat16 load, widened exactly to float32.
   */
  BFLOAT16;

  /** Accepts {@code float32}, {@code fp16}, {@code bf16} and similar spellings. */
  public static Precision parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "float32", "fp32", "f32" -> FLOAT32;
      case "float16", "fp16", "f16", "half" -> FLOAT16;
      case "bfloat16", "bf16" -> BFLOAT16;
      default ->
          throw new IllegalArgumentException(
              "unknown precision " + text + " (float32, float16 or bfloat16)");
    };
  }
}
