package org.neuronexplainer.common.dataset.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fields of one JSON object being read as a {@link DatasetType}, with the JSON path of every
 * value so that each problem is reported where it is. Opening checks the object as a whole: its
 * marker (optional, but when present it must name the expected type), unknown keys (an error, as in
 * the Python constructor) and missing required keys. Field accessors then check value types; a
 * missing optional field gives its Python default.
 */
final class JsonFields {
  /** Reads one nested object from its checked fields. */
  @FunctionalInterface
  interface Reader<T> {
    T read(JsonFields fields) throws DatasetFormatException;
  }

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[\\d+\\])*");

  private final String source;
  private final JsonNode node;
  private final String path;
  private final DatasetType type;

  private JsonFields(String source, JsonNode node, String path, DatasetType type) {
    this.source = source;
    this.node = node;
    this.path = path;
    this.type = type;
  }

  /** Checks {@code node} as an object of {@code type} and returns its fields. */
  static JsonFields open(String source, JsonNode node, String path, DatasetType type)
      throws DatasetFormatException {
    if (!node.isObject()) {
      throw DatasetFormatException.atPath(
          source,
          path,
          "expected "
              + JsonValues.article(type.displayName())
              + " object, got "
              + JsonValues.describe(node));
    }
    JsonFields fields = new JsonFields(source, node, path, type);
    fields.checkMarker();
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!key.equals(DatasetType.MARKER_KEY) && !type.fields().contains(key)) {
        throw fields.error(
            key,
            "unknown field in "
                + JsonValues.article(type.displayName())
                + " (its fields: "
                + fields.fieldList()
                + ")");
      }
    }
    for (String required : type.fields()) {
      if (type.requiredFields().contains(required) && !node.has(required)) {
        throw DatasetFormatException.atPath(
            source,
            path,
            "missing field \"" + required + "\" of " + JsonValues.article(type.displayName()));
      }
    }
    return fields;
  }

  private String fieldList() {
    return String.join(", ", type.fields());
  }

  private void checkMarker() throws DatasetFormatException {
    JsonNode marker = node.get(DatasetType.MARKER_KEY);
    if (marker == null) {
      return;
    }
    if (!marker.isTextual()) {
      throw error(DatasetType.MARKER_KEY, "expected a string, got " + JsonValues.describe(marker));
    }
    // The related-neurons objects are not Python dataclasses, so no marker name is known to be
    // right for them: any is accepted and dropped.
    if (type.marker().isEmpty()) {
      return;
    }
    String name = marker.textValue();
    if (!type.marker().get().equals(name)) {
      String expected = JsonValues.article(type.displayName()) + " is expected here";
      String problem =
          DatasetType.fromMarker(name).isPresent()
              ? "wrong marker \"" + name + "\": " + expected
              : "unknown dataclass_name \"" + name + "\": " + expected;
      throw error(DatasetType.MARKER_KEY, problem);
    }
  }

  String path() {
    return path;
  }

  String source() {
    return source;
  }

  /** The JSON path of a field of this object. */
  String pathOf(String field) {
    return PLAIN_KEY.matcher(field).matches()
        ? path + "." + field
        : path + "['" + field.replace("'", "\\'") + "']";
  }

  DatasetFormatException error(String field, String problem) {
    return DatasetFormatException.atPath(source, pathOf(field), problem);
  }

  /** An error about this object as a whole. */
  DatasetFormatException error(String problem) {
    return DatasetFormatException.atPath(source, path, problem);
  }

  /** Whether the field is absent or null. */
  boolean isAbsentOrNull(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull();
  }

  int integer(String field) throws DatasetFormatException {
    JsonNode value = node.get(field);
    if (!value.isIntegralNumber()) {
      throw error(field, "expected an integer, got " + JsonValues.describe(value));
    }
    if (!value.canConvertToInt()) {
      throw error(field, "integer out of range: " + value.asText());
    }
    return value.intValue();
  }

  String string(String field) throws DatasetFormatException {
    return text(node.get(field), pathOf(field), -1);
  }

  /** The JSON path of a list element; -1 for the list's own path. */
  private static String element(String at, int index) {
    return index < 0 ? at : at + "[" + index + "]";
  }

  // Element paths are built only on failure: lists hold thousands of values.
  private String text(JsonNode value, String at, int index) throws DatasetFormatException {
    if (!value.isTextual()) {
      throw DatasetFormatException.atPath(
          source, element(at, index), "expected a string, got " + JsonValues.describe(value));
    }
    String text = value.textValue();
    int surrogate = JsonValues.loneSurrogate(text);
    if (surrogate >= 0) {
      // Python reads such escapes, but orjson refuses to write them: no original file has one.
      throw DatasetFormatException.atPath(
          source,
          element(at, index),
          String.format(
              "a lone UTF-16 surrogate (\\u%04x) at character %d is not text",
              (int) text.charAt(surrogate), surrogate));
    }
    return text;
  }

  /** A float field; null (and a missing optional field) is NaN, as the Python code writes NaN. */
  double number(String field) throws DatasetFormatException {
    JsonNode value = node.get(field);
    return value == null ? Double.NaN : number(value, pathOf(field), -1);
  }

  private double number(JsonNode value, String at, int index) throws DatasetFormatException {
    if (value.isNull()) {
      return Double.NaN;
    }
    if (!value.isNumber()) {
      throw DatasetFormatException.atPath(
          source,
          element(at, index),
          "expected a number or null, got " + JsonValues.describe(value));
    }
    return value.doubleValue();
  }

  List<String> strings(String field) throws DatasetFormatException {
    JsonNode array = array(field);
    List<String> values = new ArrayList<>(array.size());
    String at = pathOf(field);
    for (int i = 0; i < array.size(); i++) {
      values.add(text(array.get(i), at, i));
    }
    return values;
  }

  /** A list of floats (null elements are NaN); null when the field is null or missing. */
  double[] numbersOrNull(String field) throws DatasetFormatException {
    return isAbsentOrNull(field) ? null : numbers(array(field), pathOf(field));
  }

  double[] numbers(String field) throws DatasetFormatException {
    return numbers(array(field), pathOf(field));
  }

  private double[] numbers(JsonNode array, String at) throws DatasetFormatException {
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = number(array.get(i), at, i);
    }
    return values;
  }

  /** A list of float lists; a null or missing field is an empty list. */
  List<double[]> numberLists(String field) throws DatasetFormatException {
    List<double[]> lists = new ArrayList<>();
    if (isAbsentOrNull(field)) {
      return lists;
    }
    JsonNode array = array(field);
    for (int i = 0; i < array.size(); i++) {
      String at = pathOf(field) + "[" + i + "]";
      JsonNode inner = array.get(i);
      if (!inner.isArray()) {
        throw DatasetFormatException.atPath(
            source, at, "expected a list of numbers, got " + JsonValues.describe(inner));
      }
      lists.add(numbers(inner, at));
    }
    return lists;
  }

  /** A nested object of a known type, its marker optional. */
  <T> T object(String field, DatasetType nested, Reader<T> reader) throws DatasetFormatException {
    return reader.read(open(source, node.get(field), pathOf(field), nested));
  }

  /** A nested object, or null when the field is null or missing. */
  <T> T objectOrNull(String field, DatasetType nested, Reader<T> reader)
      throws DatasetFormatException {
    return isAbsentOrNull(field) ? null : object(field, nested, reader);
  }

  /** A list of objects; a missing optional field is an empty list. */
  <T> List<T> objects(String field, DatasetType nested, Reader<T> reader)
      throws DatasetFormatException {
    List<T> values = new ArrayList<>();
    if (!node.has(field)) {
      return values;
    }
    JsonNode array = array(field);
    for (int i = 0; i < array.size(); i++) {
      values.add(reader.read(open(source, array.get(i), pathOf(field) + "[" + i + "]", nested)));
    }
    return values;
  }

  /** A list of lists of objects, or null when the field is null or missing. */
  <T> List<List<T>> objectListsOrNull(String field, DatasetType nested, Reader<T> reader)
      throws DatasetFormatException {
    if (isAbsentOrNull(field)) {
      return null;
    }
    JsonNode outer = array(field);
    List<List<T>> lists = new ArrayList<>(outer.size());
    for (int i = 0; i < outer.size(); i++) {
      String at = pathOf(field) + "[" + i + "]";
      JsonNode inner = outer.get(i);
      if (!inner.isArray()) {
        throw DatasetFormatException.atPath(
            source,
            at,
            "expected a list of " + nested.displayName() + ", got " + JsonValues.describe(inner));
      }
      List<T> values = new ArrayList<>(inner.size());
      for (int j = 0; j < inner.size(); j++) {
        values.add(reader.read(open(source, inner.get(j), at + "[" + j + "]", nested)));
      }
      lists.add(values);
    }
    return lists;
  }

  private JsonNode array(String field) throws DatasetFormatException {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw error(field, "expected a list, got " + JsonValues.describe(value));
    }
    return value;
  }
}
