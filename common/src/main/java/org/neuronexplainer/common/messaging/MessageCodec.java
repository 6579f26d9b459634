package org.neuronexplainer.common.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON for every message: Jackson reads and writes the records directly. Thread-safe; share one.
 *
 * <p>Reading checks the schema version before binding, so a message from a newer producer is
 * refused by name rather than half-read. Unknown fields are ignored: adding an optional field does
 * not need a new version.
 */
public final class MessageCodec {

  private static final String VERSION_FIELD = "schemaVersion";

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  /** UTF-8 JSON of a message record. */
  public byte[] encode(Object message) {
    try {
      return mapper.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      // Our own records always serialize; reaching this is a programming error.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a message of the given type.
   *
   * @throws MalformedMessageException when the bytes are not JSON of that type, lack a schema
   *     version, or carry one newer than {@link Messages#SCHEMA_VERSION}
   */
  public <T> T decode(byte[] bytes, Class<T> type) {
    if (bytes == null) {
      throw new MalformedMessageException("empty message (null value)");
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new MalformedMessageException("not JSON: " + rootMessage(e), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new MalformedMessageException("not a JSON object");
    }
    checkVersion(tree.get(VERSION_FIELD), type);
    try {
      return mapper.treeToValue(tree, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MalformedMessageException(
          "not a valid " + type.getSimpleName() + ": " + rootMessage(e), e);
    }
  }

  private static void checkVersion(JsonNode version, Class<?> type) {
    if (version == null || !version.canConvertToExactIntegral()) {
      throw new MalformedMessageException(
          type.getSimpleName() + " without an integer " + VERSION_FIELD);
    }
    int v = version.asInt();
    if (v > Messages.SCHEMA_VERSION) {
      throw new MalformedMessageException(
          type.getSimpleName()
              + " has schema version "
              + v
              + ", newer than this reader's "
              + Messages.SCHEMA_VERSION);
    }
    if (v < 1) {
      throw new MalformedMessageException(type.getSimpleName() + " has schema version " + v);
    }
  }

  private static String rootMessage(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof JsonProcessingException j) {
      return j.getOriginalMessage();
    }
    return t.getMessage();
  }
}
