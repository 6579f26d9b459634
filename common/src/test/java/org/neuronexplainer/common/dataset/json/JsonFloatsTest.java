package org.neuronexplainer.common.dataset.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonFloatsTest {

  @ParameterizedTest
  @CsvSource({
    "1e-7, 1e-7",
    "0.1, 0.1",
    "2.0, 2.0",
    "-0.031, -0.031",
    "0.0, 0.0",
    "-0.0, -0.0",
    "1e15, 1000000000000000.0",
    "1e16, 1e+16",
    "0.00001, 0.00001",
    "0.000001, 1e-6",
    "1.5e-6, 1.5e-6",
    "123.456, 123.456",
    "4.9e-324, 5e-324",
    "2e23, 2e+23",
    "1.7976931348623157e308, 1.7976931348623157e+308"
  })
  void formatsLikeOrjson(double value, String expected) {
    assertThat(JsonFloats.format(value)).isEqualTo(expected);
  }

  /** orjson-floats.txt holds orjson 3.12.0's output for 3,500 doubles (orjson-floats.py). */
  @Test
  void agreesWithOrjsonOnEveryFixtureValue() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (String line : fixtureLines()) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] parts = line.split(" ");
      double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
      String actual = JsonFloats.format(value);
      if (!actual.equals(parts[1])) {
        mismatches.add(parts[1] + " written as " + actual);
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(3000);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void everyWrittenFloatReadsBackAsTheSameDouble() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(value)) {
        String text = JsonFloats.format(value);
        assertThat(Double.parseDouble(text)).as(text).isEqualTo(value);
      }
    }
  }

  @Test
  void refusesNonFiniteValues() {
    assertThatThrownBy(() -> JsonFloats.format(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> fixtureLines() throws IOException {
    try (InputStream in =
        JsonFloatsTest.class.getResourceAsStream("/dataset/json/orjson-floats.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
