package org.neuronexplainer.worker.capture.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumsTest {
  /** Values over the whole double range: tiny, subnormal, huge, negative, cancelling. */
  private static List<Double> values(Random random, int count) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double x =
          switch (i % 6) {
            case 0 -> random.nextGaussian();
            case 1 -> random.nextGaussian() * 1e300;
            case 2 -> random.nextGaussian() * 1e-300;
            case 3 -> Double.MIN_VALUE * random.nextInt(1000);
            case 4 -> -random.nextDouble() * 1e12;
            default -> Math.scalb(random.nextDouble() - 0.5, random.nextInt(200) - 100);
          };
      values.add(x);
    }
    return values;
  }

  @Test
  void sumsAreExactWhateverTheOrder() {
    Random random = new Random(3);
    int count = 3;
    ExactSums forward = new ExactSums(count);
    ExactSums shuffled = new ExactSums(count);
    BigDecimal[] expected = new BigDecimal[count];
    for (int s = 0; s < count; s++) {
      List<Double> values = values(random, 600);
      expected[s] = BigDecimal.ZERO;
      for (double x : values) {
        forward.add(s, x);
        expected[s] = expected[s].add(new BigDecimal(x));
      }
      Collections.shuffle(values, random);
      for (double x : values) {
        shuffled.add(s, x);
      }
    }
    forward.carryAll();
    shuffled.carryAll();
    for (int s = 0; s < count; s++) {
      assertThat(forward.exact(s)).isEqualByComparingTo(expected[s]);
      assertThat(shuffled.exact(s)).isEqualByComparingTo(expected[s]);
      for (int limb = 0; limb < ExactSums.LIMBS; limb++) {
        assertThat(shuffled.limb(s, limb)).isEqualTo(forward.limb(s, limb));
      }
    }
  }

  @Test
  void mergedSumsEqualOneSum() {
    Random random = new Random(4);
    ExactSums one = new ExactSums(2);
    ExactSums left = new ExactSums(2);
    ExactSums right = new ExactSums(2);
    for (double x : values(random, 300)) {
      int s = random.nextInt(2);
      one.add(s, x);
      (random.nextBoolean() ? left : right).add(s, x);
    }
    left.addAll(right);
    one.carryAll();
    for (int s = 0; s < 2; s++) {
      assertThat(left.exact(s)).isEqualByComparingTo(one.exact(s));
    }
  }

  @Test
  void limbsSetOneByOneGiveTheSameSums() {
    ExactSums sums = new ExactSums(2);
    sums.add(0, -2.5);
    sums.add(1, 1e20);
    sums.add(1, -3e-20);
    sums.carryAll();
    ExactSums copy = new ExactSums(2);
    for (int s = 0; s < 2; s++) {
      for (int limb = 0; limb < ExactSums.LIMBS; limb++) {
        copy.setLimb(s, limb, sums.limb(s, limb));
      }
    }
    assertThat(copy.exact(0)).isEqualByComparingTo(new BigDecimal(-2.5));
    assertThat(copy.exact(1))
        .isEqualByComparingTo(new BigDecimal(1e20).add(new BigDecimal(-3e-20)));
  }

  @Test
  void aNonFiniteValueIsRefused() {
    ExactSums sums = new ExactSums(1);
    assertThatThrownBy(() -> sums.add(0, Double.POSITIVE_INFINITY))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("not finite");
  }
}
