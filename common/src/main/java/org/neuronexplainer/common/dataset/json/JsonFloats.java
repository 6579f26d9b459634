package org.neuronexplainer.common.dataset.json;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import java.math.BigDecimal;

/**
 * Writes doubles the way orjson does (the Python original's serializer): the shortest decimal that
 * reads back as the same double, as {@code 2.0}, {@code 0.1}, {@code 0.00001}, {@code 1e-6}, {@code
 * 1000000000000000.0}, {@code 1e+16}, {@code 1.5e-6}. The digits come from Schubfach (Java 17's
 * {@code Double.toString} is not always shortest); only the layout is done here.
 */
final class JsonFloats {
  private JsonFloats() {}

  /** The orjson text of a finite double. */
  static String format(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not a finite double: " + value);
    }
    if (value == 0) {
      return (Double.doubleToRawLongBits(value) < 0) ? "-0.0" : "0.0";
    }
    Decimal decimal = shortest(Math.abs(value));
    StringBuilder out = new StringBuilder(26);
    if (value < 0) {
      out.append('-');
    }
    layout(decimal, out);
    return out.toString();
  }

  /**
   * A positive decimal {@code 0.digits × 10^pointPosition}: {@code digits} has no leading or
   * trailing zeros.
   */
  private record Decimal(String digits, int pointPosition) {
    String scientific() {
      return digits.charAt(0) + "." + digits.substring(1) + "0E" + (pointPosition - 1);
    }
  }

  private static Decimal shortest(double value) {
    Decimal decimal = parse(DoubleToDecimal.toString(value));
    // Java's format picks the closest decimal of 1 or 2 digits when 1 digit would do (4.9E-324
    // for the smallest subnormal); orjson, like other shortest-digit printers, takes the 1 digit.
    return decimal.digits().length() == 2 ? oneDigitIfExact(value, decimal) : decimal;
  }

  private static Decimal parse(String javaText) {
    int e = javaText.indexOf('E');
    String mantissa = e < 0 ? javaText : javaText.substring(0, e);
    int exponent = e < 0 ? 0 : Integer.parseInt(javaText.substring(e + 1));
    int point = mantissa.indexOf('.');
    String digits = mantissa.substring(0, point) + mantissa.substring(point + 1);
    int position = point + exponent;
    int start = 0;
    while (digits.charAt(start) == '0') {
      start++;
      position--;
    }
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return new Decimal(digits.substring(start, end), position);
  }

  private static Decimal oneDigitIfExact(double value, Decimal twoDigits) {
    int first = twoDigits.digits().charAt(0) - '0';
    Decimal down = new Decimal(String.valueOf(first), twoDigits.pointPosition());
    Decimal up =
        first == 9
            ? new Decimal("1", twoDigits.pointPosition() + 1)
            : new Decimal(String.valueOf(first + 1), twoDigits.pointPosition());
    boolean downReads = Double.parseDouble(down.scientific()) == value;
    boolean upReads = Double.parseDouble(up.scientific()) == value;
    if (downReads && upReads) {
      BigDecimal exact = new BigDecimal(value);
      int order =
          exact
              .subtract(new BigDecimal(down.scientific()))
              .compareTo(new BigDecimal(up.scientific()).subtract(exact));
      boolean downIsEven = first % 2 == 0;
      return order < 0 || (order == 0 && downIsEven) ? down : up;
    }
    return downReads ? down : upReads ? up : twoDigits;
  }

  private static void layout(Decimal decimal, StringBuilder out) {
    String digits = decimal.digits();
    int length = digits.length();
    int point = decimal.pointPosition();
    if (length <= point && point <= 16) {
      out.append(digits).append("0".repeat(point - length)).append(".0");
    } else if (0 < point && point <= 16) {
      out.append(digits, 0, point).append('.').append(digits, point, length);
    } else if (-5 < point && point <= 0) {
      out.append("0.").append("0".repeat(-point)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (length > 1) {
        out.append('.').append(digits, 1, length);
      }
      int exponent = point - 1;
      out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
    }
  }
}
