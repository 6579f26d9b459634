package org.neuronexplainer.worker.capture.stats;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Many exact sums of doubles. Each double is added as an exact fixed-point integer spread over
 * 32-bit limbs (a "superaccumulator"), so a sum does not depend on the order of its terms: a
 * neuron's power sums merged from shards are bit for bit those of a single pass (the moments of
 * docs/method.md 1.4 need sums of x, x^2, x^3 and x^4 over millions of tokens).
 *
 * <p>The limbs are stored limb by limb: limb i of every sum, then limb i+1. Capture adds to the
 * sums of neuron after neuron, and values of like magnitude touch the same few limbs, so the adds
 * walk a few rows of memory in order instead of missing the cache once per sum.
 */
final class ExactSums {
  // Limb i weighs 2^(32 i - 1074); 68 limbs cover every finite double with room for carries.
  static final int LIMBS = 68;
  private static final int BIAS = 1074;
  // Each add puts less than 2^32 into a limb, so 2^30 adds per index fit in a signed long before
  // carrying.
  static final long CARRY_EVERY = 1L << 30;

  private final long[] limbs; // [limb][index]
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
    int at = (position >>> 5) * count + index;
    int shift = position & 31;
    long sign = bits < 0 ? -1 : 1;
    // mantissa << shift has up to 85 bits: three limbs.
    long low = (mantissa << shift) & 0xFFFFFFFFL;
    long mid = (shift == 0 ? mantissa >>> 32 : (mantissa >>> (32 - shift))) & 0xFFFFFFFFL;
    long high = shift == 0 ? 0 : mantissa >>> (64 - shift);
    limbs[at] += sign * low;
    limbs[at + count] += sign * mid;
    limbs[at + 2 * count] += sign * high;
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
      total = total.shiftLeft(32).add(BigInteger.valueOf(limbs[i * count + index]));
    }
    return new BigDecimal(total).multiply(new BigDecimal(Double.MIN_VALUE));
  }

  /** Limbs normalized to [0, 2^32) except the top one, which carries the sign. */
  void carryAll() {
    long[] carries = new long[count];
    for (int i = 0; i < LIMBS - 1; i++) {
      int row = i * count;
      for (int s = 0; s < count; s++) {
        long v = limbs[row + s] + carries[s];
        carries[s] = v >> 32; // arithmetic shift: floor division by 2^32
        limbs[row + s] = v & 0xFFFFFFFFL;
      }
    }
    int top = (LIMBS - 1) * count;
    for (int s = 0; s < count; s++) {
      limbs[top + s] += carries[s];
    }
  }

  /** Limb {@code limb} of sum {@code index}; normalized after {@link #carryAll}. */
  long limb(int index, int limb) {
    return limbs[limb * count + index];
  }

  /** Sets a limb, as read from a partial. */
  void setLimb(int index, int limb, long value) {
    limbs[limb * count + index] = value;
  }
}
