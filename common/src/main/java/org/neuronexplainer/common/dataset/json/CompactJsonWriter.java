package org.neuronexplainer.common.dataset.json;

import java.util.List;

/**
 * Writes JSON byte-for-byte as orjson does: no whitespace, non-ASCII text as is, only the quote,
 * the backslash and control characters escaped (backspace, tab, newline, form feed and carriage
 * return by their one-letter escapes, the rest as a six-character escape with lowercase hex), NaN
 * and infinities as {@code null}, doubles as {@link JsonFloats} formats them. The caller is trusted
 * to nest calls correctly.
 */
final class CompactJsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out;
  private boolean needsComma;

  CompactJsonWriter(StringBuilder out) {
    this.out = out;
  }

  CompactJsonWriter beginObject() {
    separate();
    out.append('{');
    needsComma = false;
    return this;
  }

  CompactJsonWriter endObject() {
    out.append('}');
    needsComma = true;
    return this;
  }

  CompactJsonWriter beginArray() {
    separate();
    out.append('[');
    needsComma = false;
    return this;
  }

  CompactJsonWriter endArray() {
    out.append(']');
    needsComma = true;
    return this;
  }

  /** Writes a key; the next call writes its value. */
  CompactJsonWriter name(String name) {
    separate();
    string(name);
    out.append(':');
    needsComma = false;
    return this;
  }

  CompactJsonWriter value(String value) {
    separate();
    if (value == null) {
      out.append("null");
    } else {
      string(value);
    }
    needsComma = true;
    return this;
  }

  CompactJsonWriter value(long value) {
    separate();
    out.append(value);
    needsComma = true;
    return this;
  }

  CompactJsonWriter value(double value) {
    separate();
    out.append(Double.isFinite(value) ? JsonFloats.format(value) : "null");
    needsComma = true;
    return this;
  }

  CompactJsonWriter nullValue() {
    separate();
    out.append("null");
    needsComma = true;
    return this;
  }

  /** Writes {@code "name":[...]} for a float list, or {@code null} for a null array. */
  CompactJsonWriter numbers(String name, double[] values) {
    name(name);
    if (values == null) {
      return nullValue();
    }
    beginArray();
    for (double value : values) {
      value(value);
    }
    return endArray();
  }

  /** Writes {@code "name":[[...],...]} for a list of float lists. */
  CompactJsonWriter numberLists(String name, List<double[]> lists) {
    name(name).beginArray();
    for (double[] values : lists) {
      beginArray();
      for (double value : values) {
        value(value);
      }
      endArray();
    }
    return endArray();
  }

  CompactJsonWriter strings(String name, List<String> values) {
    name(name).beginArray();
    for (String value : values) {
      value(value);
    }
    return endArray();
  }

  /** Ends a registered type's object with its marker, which the Python original writes last. */
  CompactJsonWriter endWithMarker(DatasetType type) {
    type.marker().ifPresent(marker -> name(DatasetType.MARKER_KEY).value(marker));
    return endObject();
  }

  private void separate() {
    if (needsComma) {
      out.append(',');
    }
  }

  private void string(String value) {
    if (JsonValues.loneSurrogate(value) >= 0) {
      // orjson raises here too; writing it would produce invalid UTF-8.
      throw new IllegalArgumentException("a string with a lone UTF-16 surrogate cannot be written");
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
