package org.neuronexplainer.worker.capture.stats;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Many exact sums of doubles. Each double is added as an exact fixed-point integer spread over
 * 32-bit limbs (a "superaccumulator"), so a sum does not depend on the order of its terms: a
 * neuron's power sums merged from shards are bit for bit those of a single pass (the moments of
 * METHOD.md 1.4 need sums of x, x^2, x^3 and x^4 over millions of tokens).
 */
final class ExactSums {
  // Limb i weighs 2^(32 i - 1074); 68 limbs cover every finite double with room for carries.
  static final int LIMBS = 68;
  private static final int BIAS = 1074;
  // Each add puts less than 2^32 into a limb, so 2^30 adds per index fit in a signed long before
  // carrying.
  static final long CARRY_EVERY = 1L << 30;

  private final long[] limbs;
  private final int count;

  ExactSums(int count) {
    this.count = count;
    this.limbs = new long[count * LIMBS];
  }

  long arrayBytes() {
    return limbs.length * 8L;
  }

  int count() {
    return count;
  }

  /**
   * Adds to one sum. Adds to different indices touch disjoint limbs, so they may run concurrently;
   * the caller carries ({@link #carryAll}) before any index has had {@link #CARRY_EVERY} adds.
   */
  void add(int index, double value) {
    if (value == 0) {
      return;
    }
    if (!Double.isFinite(value)) {
      throw new ArithmeticException("activation sum is not finite: " + value);
    }
    long bits = Double.doubleToRawLongBits(value);
    int exponent = (int) ((bits >>> 52) & 0x7FF);
    long mantissa = bits & 0xFFFFFFFFFFFFFL;
    if (exponent == 0) {
      exponent = 1; // subnormal
    } else {
      mantissa |= 1L << 52;
    }
    int position = exponent - 1; // of the mantissa's lowest bit, counted from 2^-1074
    int limb = index * LIMBS + position / 32;
    int shift = position % 32;
    long sign = bits < 0 ? -1 : 1;
    // mantissa << shift has up to 85 bits: three limbs.
    long low = (mantissa << shift) & 0xFFFFFFFFL;
    long mid = (shift == 0 ? mantissa >>> 32 : (mantissa >>> (32 - shift))) & 0xFFFFFFFFL;
    long high = shift == 0 ? 0 : mantissa >>> (64 - shift);
    limbs[limb] += sign * low;
    limbs[limb + 1] += sign * mid;
    limbs[limb + 2] += sign * high;
  }

  void addAll(ExactSums other) {
    if (other.count != count) {
      throw new IllegalArgumentException("sums of different sizes");
    }
    carryAll();
    other.carryAll();
    for (int i = 0; i < limbs.length; i++) {
      limbs[i] += other.limbs[i];
    }
    carryAll();
  }

  /** The exact sum as a decimal. */
  BigDecimal exact(int index) {
    BigInteger total = BigInteger.ZERO;
    for (int i = LIMBS - 1; i >= 0; i--) {
      total = total.shiftLeft(32).add(BigInteger.valueOf(limbs[index * LIMBS + i]));
    }
    return new BigDecimal(total).multiply(new BigDecimal(Double.MIN_VALUE));
  }

  /** Limbs normalized to [0, 2^32) except the top one, which carries the sign. */
  void carryAll() {
    for (int s = 0; s < count; s++) {
      long carry = 0;
      int base = s * LIMBS;
      for (int i = 0; i < LIMBS - 1; i++) {
        long v = limbs[base + i] + carry;
        carry = v >> 32; // arithmetic shift: floor division by 2^32
        limbs[base + i] = v & 0xFFFFFFFFL;
      }
      limbs[base + LIMBS - 1] += carry;
    }
  }

  /** The limbs, normalized, for writing; the array itself. */
  long[] limbs() {
    carryAll();
    return limbs;
  }

  static ExactSums ofLimbs(int count, long[] limbs) {
    ExactSums sums = new ExactSums(count);
    System.arraycopy(limbs, 0, sums.limbs, 0, limbs.length);
    return sums;
  }
}
