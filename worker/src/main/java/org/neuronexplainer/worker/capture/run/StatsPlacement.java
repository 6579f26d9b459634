package org.neuronexplainer.worker.capture.run;

import java.util.Locale;
import org.neuronexplainer.worker.capture.SubjectModel;

/**
 * Where a capture's per-batch statistics start: on the host, from every activation copied out of
 * the forward pass, or on the device, which reduces the activations to maxima, power sums, token
 * sums and the few excerpts a neuron may keep, and copies only those (the records are the same).
 */
public enum StatsPlacement {
  /** The device on a GPU, where copying every activation bounds the capture's speed; else host. */
  AUTO,
  /** Every activation copied to the host. */
  HOST,
  /** Reduced on the device, also when the device is the CPU (how that path is tested). */
  DEVICE;

  /** The system property that picks the placement: {@code auto}, {@code host} or {@code device}. */
  public static final String PROPERTY = "neuron.explainer.capture.stats";

  /** The placement the system property names, {@link #AUTO} without one. */
  public static StatsPlacement configured() {
    String named = System.getProperty(PROPERTY);
    return named == null ? AUTO : parse(named);
  }

  public static StatsPlacement parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "host", "cpu" -> HOST;
      case "device", "gpu" -> DEVICE;
      default ->
          throw new IllegalArgumentException(
              "unknown statistics placement " + text + " (auto, host or device)");
    };
  }

  /**
   * Whether a capture on {@code model} reduces on the device. On the CPU the host path stays: the
   * libtorch reductions, on the same cores, were slower there than the host's vectorised kernels
   * (docs/benchmarks.md, capture statistics on the device).
   */
  public boolean onDevice(SubjectModel model) {
    return switch (this) {
      case AUTO -> model.onGpu();
      case HOST -> false;
      case DEVICE -> true;
    };
  }
}
