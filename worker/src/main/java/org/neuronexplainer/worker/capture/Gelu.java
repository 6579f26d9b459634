package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;

/**
 * GPT-2's GELU, the tanh approximation (Hugging Face's {@code gelu_new}), written out so that no
 * engine default can swap in the exact erf form or the sigmoid form behind the public datasets'
 * activation error (METHOD.md section 10).
 */
final class Gelu {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
  private static final double CUBIC = 0.044715;

  private Gelu() {}

  /** 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))). */
  static NDArray geluNew(NDArray x) {
    NDArray inner = x.pow(3).mul(CUBIC).add(x).mul(SQRT_2_OVER_PI);
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
}
