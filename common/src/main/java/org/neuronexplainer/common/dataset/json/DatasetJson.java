package org.neuronexplainer.common.dataset.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes the public neuron-explainer dataset files in the Python original's JSON format
 * (docs/method.md section 1). Reading is lenient where the Python loader is (any key order, null
 * for any float, missing markers, missing defaulted fields) and strict where it is (unknown keys,
 * wrong markers); every problem is a {@link DatasetFormatException} naming the source, the JSON
 * path and what is wrong. Writing reproduces orjson's output byte for byte: compact, keys in field
 * order, {@code dataclass_name} last, NaN as null, shortest floats.
 *
 * <p>A source whose name ends in {@code .jsonl} is an explanation file: it must hold exactly one
 * non-blank line, and {@link #writeFile} ends it with a newline. Other files are written without a
 * trailing newline, as {@code orjson.dumps} does.
 */
public final class DatasetJson {
  private DatasetJson() {}

  /** Reads a file as {@code type}, e.g. {@code read(path, NeuronRecord.class)}. */
  public static <T> T read(Path file, Class<T> type) throws IOException {
    return read(Files.readAllBytes(file), file.toString(), type);
  }

  /** Reads UTF-8 JSON as {@code type}; {@code source} names it in errors (a path, a blob name). */
  public static <T> T read(byte[] json, String source, Class<T> type)
      throws DatasetFormatException {
    return type.cast(read(json, source, typeOf(type)).value());
  }

  public static <T> T read(String json, String source, Class<T> type)
      throws DatasetFormatException {
    return type.cast(read(json, source, typeOf(type)).value());
  }

  /** Reads a file as a given type, e.g. the type its place in the public layout implies. */
  public static DatasetDocument read(Path file, DatasetType type) throws IOException {
    return read(Files.readAllBytes(file), file.toString(), type);
  }

  public static DatasetDocument read(byte[] json, String source, DatasetType type)
      throws DatasetFormatException {
    JsonNode root = JsonText.parse(json, source);
    return new DatasetDocument(type, DatasetCodec.read(source, root, type));
  }

  public static DatasetDocument read(String json, String source, DatasetType type)
      throws DatasetFormatException {
    JsonNode root = JsonText.parse(json, source);
    return new DatasetDocument(type, DatasetCodec.read(source, root, type));
  }

  /** Reads a file of any dataset type, detected from its marker or else its key set. */
  public static DatasetDocument readAny(Path file) throws IOException {
    return readAny(Files.readAllBytes(file), file.toString());
  }

  public static DatasetDocument readAny(byte[] json, String source) throws DatasetFormatException {
    return readTree(JsonText.parse(json, source), source);
  }

  public static DatasetDocument readAny(String json, String source) throws DatasetFormatException {
    return readTree(JsonText.parse(json, source), source);
  }

  private static DatasetDocument readTree(JsonNode root, String source)
      throws DatasetFormatException {
    DatasetType type = DatasetCodec.detect(source, root);
    return new DatasetDocument(type, DatasetCodec.read(source, root, type));
  }

  /** The compact JSON of a dataset value (any record of the dataset package), no newline. */
  public static String toJson(Object value) {
    StringBuilder out = new StringBuilder(1024);
    DatasetCodec.write(value, new CompactJsonWriter(out));
    return out.toString();
  }

  /** The JSON of a value as one line with its newline: the content of a {@code .jsonl} file. */
  public static String toJsonLine(Object value) {
    return toJson(value) + "\n";
  }

  /** The UTF-8 bytes a file named {@code fileName} holds for this value. */
  public static byte[] toBytes(Object value, String fileName) {
    String text = JsonText.isJsonLines(fileName) ? toJsonLine(value) : toJson(value);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes a value to a file (its directories must exist); see {@link #toBytes}. */
  public static void writeFile(Path file, Object value) throws IOException {
    Files.write(file, toBytes(value, file.getFileName().toString()));
  }

  private static DatasetType typeOf(Class<?> type) {
    return DatasetType.forClass(type)
        .orElseThrow(() -> new IllegalArgumentException("not a dataset type: " + type.getName()));
  }
}
