package org.neuronexplainer.common.dataset.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Parses the text of one dataset file into a tree, turning every syntax problem into a {@link
 * DatasetFormatException} with its line and column. A {@code .jsonl} source (an explanation file)
 * must hold exactly one non-blank line, as the Python loader asserts.
 */
final class JsonText {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  // Python's json module reads NaN and Infinity literals; orjson never writes them.
                  .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                  // Python keeps the last of two equal keys silently; a validator should not.
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .build();

  private static final Pattern SOURCE_MARKER =
      Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

  private JsonText() {}

  /** Whether a source name is a single-line explanation file. */
  static boolean isJsonLines(String source) {
    return source.endsWith(".jsonl");
  }

  static JsonNode parse(byte[] bytes, String source) throws DatasetFormatException {
    if (isJsonLines(source)) {
      requireOneLine(decode(bytes, source), source);
    }
    JsonParser parser;
    try {
      parser = MAPPER.createParser(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // creating a parser over memory does not fail
    }
    return parse(parser, source);
  }

  static JsonNode parse(String text, String source) throws DatasetFormatException {
    if (isJsonLines(source)) {
      requireOneLine(text, source);
    }
    JsonParser parser;
    try {
      parser = MAPPER.createParser(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(parser, source);
  }

  private static JsonNode parse(JsonParser parser, String source) throws DatasetFormatException {
    JsonNode root;
    JsonLocation trailing;
    try (parser) {
      if (parser.nextToken() == null) {
        throw DatasetFormatException.inSource(source, "empty: no JSON value");
      }
      root = MAPPER.readTree(parser);
      trailing = parser.nextToken() == null ? null : parser.currentTokenLocation();
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw DatasetFormatException.atLocation(
          source,
          at == null ? -1 : at.getLineNr(),
          at == null ? -1 : at.getColumnNr(),
          "malformed JSON: " + withoutSourceMarkers(e.getOriginalMessage()),
          e);
    } catch (DatasetFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading memory does not fail
    }
    if (trailing != null) {
      throw DatasetFormatException.atLocation(
          source,
          trailing.getLineNr(),
          trailing.getColumnNr(),
          "unexpected content after the top-level JSON value",
          null);
    }
    return root;
  }

  /** Jackson names an earlier location as "[Source: REDACTED (...); line: 1, column: 15]". */
  private static String withoutSourceMarkers(String message) {
    return SOURCE_MARKER.matcher(message).replaceAll("line $1, column $2");
  }

  private static String decode(byte[] bytes, String source) throws DatasetFormatException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw DatasetFormatException.inSource(source, "not valid UTF-8");
    }
  }

  private static void requireOneLine(String text, String source) throws DatasetFormatException {
    String[] lines = text.split("\n", -1);
    int count = 0;
    int first = 0;
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        count++;
        if (count == 1) {
          first = i + 1;
        } else {
          throw DatasetFormatException.atLocation(
              source,
              i + 1,
              -1,
              "a .jsonl explanation file holds one JSON object on one line, but line "
                  + first
                  + " and line "
                  + (i + 1)
                  + " both have content",
              null);
        }
      }
    }
    if (count == 0) {
      throw DatasetFormatException.inSource(source, "empty: no JSON value");
    }
  }
}
