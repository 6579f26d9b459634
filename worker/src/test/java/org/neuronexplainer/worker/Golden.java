package org.neuronexplainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources/golden/}: the exact request bodies and prompt
 * strings each backend sends. Run with {@code -Dgolden.update=true} to rewrite them after a
 * deliberate prompt change, then read the diff.
 */
public final class Golden {
  private static final Path DIR = Path.of("src/test/resources/golden");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Golden() {}

  /** {@code actual} equals the golden text file {@code name}, byte for byte. */
  public static void assertText(String name, String actual) {
    Path file = DIR.resolve(name);
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
      }
      assertThat(file)
          .as("golden file %s (run with -Dgolden.update=true to create it)", name)
          .exists();
      assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code actual} equals the golden JSON file {@code name}, pretty-printed. */
  public static void assertJson(String name, JsonNode actual) {
    try {
      assertText(name, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
