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
      // DJL 0.36's JNI turns a DJL data type into a torch one with a switch that knows float32,
      // float64, float16 and the integer types and ends in a bare `throw;`: creating or casting to
      // a bfloat16 tensor aborts the JVM ("terminate called without an active exception") before
      // any device is involved, so CUDA is no way around it. Refuse early instead.
      throw new IllegalArgumentException(
          "bfloat16 is not available as compute precision on any device: DJL 0.36's PyTorch"
              + " engine cannot hold bfloat16 tensors (a bfloat16 checkpoint still loads, widened"
              + " to float32); use float16 on a GPU or float32");
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
