package org.neuronexplainer.worker.capture.safetensors;

/** Widening of 16-bit floats to float (Java 17 has no Float.float16ToFloat). */
final class HalfFloats {
  private HalfFloats() {}

  /** IEEE 754 binary16 to float, exact for every value including subnormals, inf and NaN. */
  static float f16ToFloat(short bits) {
    int sign = (bits >>> 15) & 0x1;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    float magnitude;
    if (exponent == 0) {
      magnitude = mantissa * 0x1p-24f; // subnormal: mantissa * 2^-14 / 2^10
    } else if (exponent == 0x1f) {
      magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else {
      magnitude = Float.intBitsToFloat(((exponent + 112) << 23) | (mantissa << 13));
    }
    return sign == 0 ? magnitude : -magnitude;
  }

  /** bfloat16 is the top half of a float32. */
  static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
