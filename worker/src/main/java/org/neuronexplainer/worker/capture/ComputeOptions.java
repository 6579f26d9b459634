package org.neuronexplainer.worker.capture;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where and in what precision the subject model runs.
 *
 * @param device {@code auto} (the first GPU if the engine sees one, else the CPU), {@code cpu},
 *     {@code gpu} or {@code gpu:N}
 */
public record ComputeOptions(String device, Precision precision) {
  private static final Pattern DEVICE = Pattern.compile("auto|cpu|gpu(:\\d+)?");

  public ComputeOptions {
    device = device.toLowerCase(Locale.ROOT);
    if (!DEVICE.matcher(device).matches()) {
      throw new IllegalArgumentException("unknown device " + device + " (auto, cpu, gpu or gpu:N)");
    }
    if (precision == Precision.BFLOAT16) {
      // DJL 0.36's PyTorch JNI has no mapping for bfloat16: creating or casting to such a tensor
      // aborts the whole JVM ("terminate called without an active exception"), so refuse early.
      throw new IllegalArgumentException(
          "bfloat16 is not available: DJL 0.36's PyTorch engine cannot hold bfloat16 tensors;"
              + " use float16 or float32");
    }
  }

  /** The default: the best device available, float32. */
  public static ComputeOptions defaults() {
    return new ComputeOptions("auto", Precision.FLOAT32);
  }

  public static ComputeOptions cpu() {
    return new ComputeOptions("cpu", Precision.FLOAT32);
  }
}
