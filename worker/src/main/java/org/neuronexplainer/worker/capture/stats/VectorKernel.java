package org.neuronexplainer.worker.capture.stats;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One excerpt's per-neuron work on 8 neurons at a time, with the JDK's vector API: the token sums
 * and the excerpt's max and sums of x, x^2, x^3 and x^4. Each lane is one neuron and takes the
 * excerpt's tokens in order, with the same double operations as {@link ScalarKernel}, so the
 * results are bit for bit the scalar ones.
 *
 * <p>Only loaded when {@link Kernels#VECTOR} is set: the class needs the {@code
 * jdk.incubator.vector} module.
 */
final class VectorKernel {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_128;
  private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_256;

  /** Neurons per step. */
  static final int LANES = 8;

  // Adding 1.5 x 2^52 to a double below 2^51 in magnitude rounds it to an integer, which is then
  // the low bits of the sum: the double-to-long conversion without a conversion instruction.
  private static final double MAGIC = 0x1.8p52;
  private static final long MAGIC_BITS = Double.doubleToRawLongBits(MAGIC);
  private static final double LIMIT = 0x1p51;

  private VectorKernel() {}

  /** Whether this CPU runs 256-bit vectors natively (otherwise the API would be slow). */
  static boolean supported() {
    return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  /**
   * Neurons (columns) [from, from + 8 * steps) of one excerpt whose token t starts at {@code
   * data[base + t * width]}: adds each token's activations to its row of sums ({@code
   * slabs[t][offsets[t] + column]}), and writes each neuron's max and power sums to {@code
   * out[k][column - from]} for k = max, x, x^2, x^3, x^4.
   *
   * <p>It also copies the activations of each group of 8 neurons starting at column j into {@code
   * tile[j * length ..]}, token by token, 8 floats per token: neuron j + k's activation at token t
   * is {@code tile[j * length + t * 8 + k]}. A kept excerpt is copied from there. Copied from the
   * batch, each of its 64 values would come from another row, and rows a multiple of 4 KiB apart
   * all fall in one set of the L1 cache.
   */
  static void run(
      float[] data,
      int base,
      int width,
      int length,
      long[][] slabs,
      int[] offsets,
      int from,
      int steps,
      double[][] out,
      float[] tile) {
    tokenSums(data, base, width, length, slabs, offsets, from, steps);
    for (int s = 0; s < steps; s++) {
      int j = from + s * LANES;
      DoubleVector lowMax = DoubleVector.broadcast(DOUBLES, Double.NEGATIVE_INFINITY);
      DoubleVector highMax = lowMax;
      DoubleVector low1 = DoubleVector.zero(DOUBLES);
      DoubleVector low2 = low1;
      DoubleVector low3 = low1;
      DoubleVector low4 = low1;
      DoubleVector high1 = low1;
      DoubleVector high2 = low1;
      DoubleVector high3 = low1;
      DoubleVector high4 = low1;
      for (int t = 0; t < length; t++) {
        int at = base + t * width + j;
        FloatVector lowFloats = FloatVector.fromArray(FLOATS, data, at);
        FloatVector highFloats = FloatVector.fromArray(FLOATS, data, at + 4);
        int tileAt = j * length + t * LANES;
        lowFloats.intoArray(tile, tileAt);
        highFloats.intoArray(tile, tileAt + 4);
        DoubleVector low = (DoubleVector) lowFloats.convertShape(VectorOperators.F2D, DOUBLES, 0);
        DoubleVector high = (DoubleVector) highFloats.convertShape(VectorOperators.F2D, DOUBLES, 0);
        DoubleVector lowSquare = low.mul(low);
        DoubleVector highSquare = high.mul(high);
        lowMax = lowMax.blend(low, low.compare(VectorOperators.GT, lowMax));
        highMax = highMax.blend(high, high.compare(VectorOperators.GT, highMax));
        low1 = low1.add(low);
        high1 = high1.add(high);
        low2 = low2.add(lowSquare);
        high2 = high2.add(highSquare);
        low3 = low3.add(lowSquare.mul(low));
        high3 = high3.add(highSquare.mul(high));
        low4 = low4.add(lowSquare.mul(lowSquare));
        high4 = high4.add(highSquare.mul(highSquare));
      }
      int o = j - from;
      lowMax.intoArray(out[0], o);
      highMax.intoArray(out[0], o + 4);
      low1.intoArray(out[1], o);
      high1.intoArray(out[1], o + 4);
      low2.intoArray(out[2], o);
      high2.intoArray(out[2], o + 4);
      low3.intoArray(out[3], o);
      high3.intoArray(out[3], o + 4);
      low4.intoArray(out[4], o);
      high4.intoArray(out[4], o + 4);
    }
  }

  /**
   * The token sums, token by token: each token's row is walked in order, which the CPU's prefetch
   * follows (group by group, the 64 rows at once, it does not).
   */
  private static void tokenSums(
      float[] data,
      int base,
      int width,
      int length,
      long[][] slabs,
      int[] offsets,
      int from,
      int steps) {
    DoubleVector scale = DoubleVector.broadcast(DOUBLES, TokenTable.SCALE);
    int to = from + steps * LANES;
    for (int t = 0; t < length; t++) {
      long[] row = slabs[t];
      if (row == null) {
        continue;
      }
      int at = base + t * width;
      int rowAt = offsets[t];
      for (int j = from; j < to; j += 4) {
        DoubleVector fixed =
            ((DoubleVector)
                    FloatVector.fromArray(FLOATS, data, at + j)
                        .convertShape(VectorOperators.F2D, DOUBLES, 0))
                .mul(scale);
        if (fits(fixed)) {
          LongVector.fromArray(LONGS, row, rowAt + j)
              .add(truncate(fixed))
              .intoArray(row, rowAt + j);
        } else {
          for (int k = j; k < j + 4; k++) {
            row[rowAt + k] += TokenTable.fixed(data[at + k]);
          }
        }
      }
    }
  }

  /** Whether every lane is below 2^51 in magnitude (false for NaN). */
  private static boolean fits(DoubleVector fixed) {
    return fixed.abs().compare(VectorOperators.LT, LIMIT).allTrue();
  }

  /** Each lane rounded toward zero, as a long: what {@code (long) x} gives. */
  private static LongVector truncate(DoubleVector x) {
    DoubleVector magnitude = x.abs();
    DoubleVector nearest = magnitude.add(MAGIC).sub(MAGIC);
    // Rounding up overshot: step back to the floor of the magnitude.
    DoubleVector floor =
        nearest.blend(nearest.sub(1.0), nearest.compare(VectorOperators.GT, magnitude));
    DoubleVector signed = floor.blend(floor.neg(), x.compare(VectorOperators.LT, 0.0));
    return signed.add(MAGIC).reinterpretAsLongs().sub(MAGIC_BITS);
  }
}
