package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;

/**
 * GPT-2's GELU, the tanh approximation (Hugging Face's {@code gelu_new}), written out so that no
 * engine default can swap in the exact erf form or the sigmoid form behind the public datasets'
 * activation error (docs/method.md section 10).
 */
final class Gelu {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
  private static final double CUBIC = 0.044715;

  private Gelu() {}

  /**
   * 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))), as x * (a + b x^2) inside the tanh
   * and in-place steps: two fresh tensors instead of eight, which matters because each step is a
   * pass over a [batch, tokens, 4 * n_embd] tensor. Differs from the literal formula by float
   * rounding only (a few 1e-7).
   */
  static NDArray geluNew(NDArray x) {
    NDArray inner =
        x.mul(x).muli((float) (SQRT_2_OVER_PI * CUBIC)).addi((float) SQRT_2_OVER_PI).muli(x);
    return inner.tanh().addi(1f).muli(x).muli(0.5f);
  }
}
