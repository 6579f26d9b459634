package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** gelu_new against the reference values of docs/method.md section 10. */
class GeluTest {
  private static final float[] X = {-3f, -1f, 0.5f, 1f, 2f, 3f};
  // (tanh form, erf form, sigmoid-1.702 form) per x, from docs/method.md section 10.
  private static final double[] TANH = {
    -0.0036374, -0.1588080, 0.3457140, 0.8411920, 1.9545977, 2.9963626
  };
  private static final double[] ERF = {
    -0.0040497, -0.1586553, 0.3457312, 0.8413448, 1.9544997, 2.9959503
  };
  private static final double[] SIGMOID = {
    -0.0180713, -0.1542042, 0.3503884, 0.8457958, 1.9356586, 2.9819287
  };
  // The reference values have 7 decimals, so they are exact to 5e-8; float32 adds about 1e-7.
  private static final double TOLERANCE = 1e-6;

  @Test
  void matchesTheTanhFormAndNeitherTheErfNorTheSigmoidForm() {
    float[] y = geluNew(X);
    for (int i = 0; i < X.length; i++) {
      assertThat((double) y[i]).as("gelu_new(%s)", X[i]).isCloseTo(TANH[i], within());
    }
    assertThat(maxAbsDiff(y, ERF)).as("distance to the erf GELU").isGreaterThan(1e-4);
    assertThat(maxAbsDiff(y, SIGMOID)).as("distance to the sigmoid GELU").isGreaterThan(1e-2);
  }

  @Test
  void theReferenceValuesThemselvesTellTheFormsApart() {
    // Guards the test above: a tolerance of 1e-6 would reject the other two forms.
    assertThat(maxAbsDiff(toFloats(TANH), ERF)).isGreaterThan(100 * TOLERANCE);
    assertThat(maxAbsDiff(toFloats(TANH), SIGMOID)).isGreaterThan(100 * TOLERANCE);
  }

  private static float[] geluNew(float[] x) {
    try (NDManager manager = NDManager.newBaseManager(Compute.ENGINE)) {
      NDArray y = Gelu.geluNew(manager.create(x));
      return y.toFloatArray();
    }
  }

  private static double maxAbsDiff(float[] actual, double[] expected) {
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
    }
    return max;
  }

  private static float[] toFloats(double[] values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return floats;
  }

  private static Offset<Double> within() {
    return Offset.offset(TOLERANCE);
  }
}
