package org.neuronexplainer.common.classify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Reads and writes {@link ClassificationResults} files (docs/method.md 15.5). Reading is strict: an
 * unknown field, a missing {@code version} or another version is an error naming the source.
 */
public final class ClassificationJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .build();

  private ClassificationJson() {}

  /** The file's bytes, UTF-8 JSON. */
  public static byte[] toBytes(ClassificationResults results) {
    return write(results);
  }

  /** The rounds file's bytes, UTF-8 JSON. */
  public static byte[] toBytes(ExplanationRounds rounds) {
    return write(rounds);
  }

  private static byte[] write(Object file) {
    try {
      return MAPPER.writeValueAsBytes(file);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(file.getClass().getSimpleName() + " could not be written", e);
    }
  }

  /**
   * The results in {@code json}.
   *
   * @param source how errors name the file
   * @throws IllegalArgumentException naming {@code source} when the file does not fit the layout
   */
  public static ClassificationResults read(byte[] json, String source) {
    return read(json, ClassificationResults.class, source);
  }

  /**
   * The explanation rounds in {@code json}.
   *
   * @param source how errors name the file
   * @throws IllegalArgumentException naming {@code source} when the file does not fit the layout
   */
  public static ExplanationRounds readRounds(byte[] json, String source) {
    return read(json, ExplanationRounds.class, source);
  }

  private static <T> T read(byte[] json, Class<T> type, String source) {
    try {
      return MAPPER.readValue(json, type);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException(source + ": " + cause.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": cannot read: " + e, e);
    }
  }
}
