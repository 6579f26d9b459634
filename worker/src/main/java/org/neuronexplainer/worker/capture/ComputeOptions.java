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
  }

  /** The default: the best device available, float32. */
  public static ComputeOptions defaults() {
    return new ComputeOptions("auto", Precision.FLOAT32);
  }

  public static ComputeOptions cpu() {
    return new ComputeOptions("cpu", Precision.FLOAT32);
  }
}
