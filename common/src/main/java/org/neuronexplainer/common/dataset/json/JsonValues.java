package org.neuronexplainer.common.dataset.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Small facts about JSON values, for checks and error messages. */
final class JsonValues {
  private JsonValues() {}

  /** "a string", "an object", ... for error messages. */
  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing (the field is missing)";
    }
    return switch (value.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number (" + value.asText() + ")";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      default -> value.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }

  /** The name with its indefinite article: "a NeuronId", "an ActivationRecord". */
  static String article(String name) {
    return ("AEIOUaeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
  }

  /** The index of the first UTF-16 surrogate without its partner, or -1. */
  static int loneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
