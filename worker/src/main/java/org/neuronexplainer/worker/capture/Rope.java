package org.neuronexplainer.worker.capture;

import java.util.Optional;

/**
 * The rotary position embedding's angles, as Hugging Face computes them in float32: one inverse
 * frequency per pair of a head's dimensions, {@code 1 / theta^(2i / headDim)}, adjusted by the
 * {@code llama3} scaling when a checkpoint declares it; the angle of position p is {@code p *
 * frequency}. Pairs are Hugging Face's rotate-half ones: dimension i with i + headDim / 2.
 */
final class Rope {
  private Rope() {}

  /** {@code headDim / 2} inverse frequencies. */
  static float[] inverseFrequencies(
      int headDim, double theta, Optional<LlamaConfig.Llama3Scaling> scaling) {
    float[] inverse = new float[headDim / 2];
    for (int i = 0; i < inverse.length; i++) {
      float exponent = (float) (2 * i) / headDim;
      inverse[i] = 1f / (float) Math.pow(theta, exponent);
    }
    scaling.ifPresent(s -> llama3(inverse, s));
    return inverse;
  }

  /**
   * Llama 3.1's scaling: wavelengths longer than {@code original / lowFreqFactor} are stretched by
   * {@code factor}, those shorter than {@code original / highFreqFactor} kept, and those between
   * interpolated.
   */
  private static void llama3(float[] inverse, LlamaConfig.Llama3Scaling s) {
    double lowFreqWavelength = s.originalPositions() / s.lowFreqFactor();
    double highFreqWavelength = s.originalPositions() / s.highFreqFactor();
    for (int i = 0; i < inverse.length; i++) {
      double wavelength = 2 * Math.PI / inverse[i];
      if (wavelength > lowFreqWavelength) {
        inverse[i] = (float) (inverse[i] / s.factor());
      } else if (wavelength >= highFreqWavelength) {
        double smooth =
            (s.originalPositions() / wavelength - s.lowFreqFactor())
                / (s.highFreqFactor() - s.lowFreqFactor());
        inverse[i] = (float) ((1 - smooth) * inverse[i] / s.factor() + smooth * inverse[i]);
      }
    }
  }

  /**
   * {@code [tokens, headDim]} cosines (or sines) of the angles, each pair's angle repeated in both
   * halves as rotate-half expects.
   */
  static float[] table(float[] inverse, int tokens, boolean sine) {
    int headDim = 2 * inverse.length;
    float[] table = new float[tokens * headDim];
    for (int p = 0; p < tokens; p++) {
      for (int i = 0; i < inverse.length; i++) {
        float angle = p * inverse[i];
        float value = (float) (sine ? Math.sin(angle) : Math.cos(angle));
        table[p * headDim + i] = value;
        table[p * headDim + i + inverse.length] = value;
      }
    }
    return table;
  }
}
