package org.neuronexplainer.worker.capture.stats;

/**
 * Which inner loop capture's statistics use. {@link VectorKernel} runs where the JVM was started
 * with {@code --add-modules jdk.incubator.vector} (the launcher and the images do) on a CPU with
 * 256-bit vectors; elsewhere the scalar loop gives the same results, slower. The system property
 * {@code neuron.explainer.capture.vector=false} forces the scalar loop.
 */
final class Kernels {
  private static final String PROPERTY = "neuron.explainer.capture.vector";

  /** Whether {@link VectorKernel} is used. */
  static final boolean VECTOR = detect();

  private Kernels() {}

  private static boolean detect() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return false;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    return VectorKernel.supported();
  }

  /** How the statistics run here, for the benchmark's header. */
  static String describe() {
    return VECTOR ? "vector" : "scalar";
  }
}
