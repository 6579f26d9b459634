package org.neuronexplainer.worker.texts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every fixed text of the prompts, by {@link PromptText} name: the project's own ({@link
 * #defaults()}, the {@code prompt-texts.json} resource beside this class) or a user's file in the
 * same format, a JSON object from names to strings. A file is checked completely when it is read,
 * so a bad one fails before any request is built.
 *
 * <p>A placeholder is a name of lower-case letters, digits and hyphens in braces, such as {@code
 * {neuron}}; each text may use only the placeholders its name allows and must use the required
 * ones. Any other brace is literal text. A text may span lines but neither starts nor ends with a
 * line break: the layout writes those.
 */
public final class PromptTexts {
  /** The name a run records for the texts shipped with the project. */
  public static final String DEFAULT_NAME = "default";

  static final String RESOURCE = "prompt-texts.json";

  /** A free-text note a file may carry; not a text of the prompts. */
  static final String DESCRIPTION = "description";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9-]*)}");

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private static volatile PromptTexts defaults;

  private final String source;
  private final Map<PromptText, String> texts;

  /**
   * Texts added after the file format was set (the classification scorers' and the reviser's): a
   * file may leave them out, and then has the shipped ones.
   */
  private static final Set<PromptText> LATER =
      EnumSet.of(
          PromptText.DETECTION_SYSTEM,
          PromptText.FUZZING_SYSTEM,
          PromptText.CLASSIFIER_EXPLANATION_HEADING,
          PromptText.CLASSIFIER_EXCERPT_HEADING,
          PromptText.CLASSIFIER_ANSWER_REQUEST,
          PromptText.REVISION_SYSTEM,
          PromptText.REVISION_CURRENT_HEADING,
          PromptText.REVISION_MISSED_HEADING,
          PromptText.REVISION_FALSE_ALARMS_HEADING,
          PromptText.REVISION_NONE,
          PromptText.REVISION_REQUEST);

  private PromptTexts(String source, Map<PromptText, String> texts) {
    this.source = source;
    this.texts = new EnumMap<>(texts);
  }

  /** The project's own texts. */
  public static PromptTexts defaults() {
    PromptTexts loaded = defaults;
    if (loaded == null) {
      loaded = parse(defaultBytes(), DEFAULT_NAME);
      defaults = loaded;
    }
    return loaded;
  }

  /** The bytes of the project's own texts file, as shipped. */
  public static byte[] defaultBytes() {
    try (InputStream in = PromptTexts.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the prompt-texts resource " + RESOURCE + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the prompt-texts resource " + RESOURCE, e);
    }
  }

  /** The texts in {@code file}. */
  public static PromptTexts read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PromptTextsException(file + ": cannot read the prompt texts: " + e, e);
    }
    return parse(bytes, file.toString());
  }

  /**
   * The texts in {@code json}.
   *
   * @param source how errors name the file
   * @throws PromptTextsException naming {@code source} and the text at fault
   */
  public static PromptTexts parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new PromptTextsException(
          source + ": not valid JSON: " + e.getOriginalMessage() + location(e), e);
    } catch (IOException e) {
      throw new PromptTextsException(source + ": cannot read the prompt texts: " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new PromptTextsException(
          source + ": prompt texts must be a JSON object from text names to strings");
    }
    Map<PromptText, String> texts = new EnumMap<>(PromptText.class);
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      if (key.equals(DESCRIPTION) && value.isTextual()) {
        continue;
      }
      PromptText name =
          PromptText.fromKey(key)
              .orElseThrow(
                  () ->
                      new PromptTextsException(
                          source + ": unknown text name \"" + key + "\" (see docs/llm.md)"));
      if (!value.isTextual()) {
        throw new PromptTextsException(
            source + ": \"" + key + "\" must be a string, got " + value.getNodeType());
      }
      checkPlaceholders(source, name, value.textValue());
      checkEdges(source, name, value.textValue());
      texts.put(name, value.textValue());
    }
    List<String> missing = new ArrayList<>();
    for (PromptText name : PromptText.values()) {
      if (texts.containsKey(name)) {
        continue;
      }
      if (LATER.contains(name) && !source.equals(DEFAULT_NAME)) {
        // A file written before these texts existed (the original's texts among them) still
        // reads: the shipped ones fill in.
        texts.put(name, defaults().get(name));
      } else {
        missing.add("\"" + name.key() + "\"");
      }
    }
    if (!missing.isEmpty()) {
      throw new PromptTextsException(
          source + ": missing text " + String.join(", ", missing) + " (every name is required)");
    }
    return new PromptTexts(source, texts);
  }

  private static void checkPlaceholders(String source, PromptText name, String text) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    List<String> used = new ArrayList<>();
    while (matcher.find()) {
      String placeholder = matcher.group(1);
      if (!name.allows(placeholder)) {
        throw new PromptTextsException(
            source
                + ": \""
                + name.key()
                + "\" uses the placeholder {"
                + placeholder
                + "}, which it cannot use"
                + allowedList(name));
      }
      used.add(placeholder);
    }
    for (String required : name.required()) {
      if (!used.contains(required)) {
        throw new PromptTextsException(
            source + ": \"" + name.key() + "\" must contain the placeholder {" + required + "}");
      }
    }
  }

  /**
   * A text is the words between line breaks the layout writes, so it neither starts nor ends with
   * one: a copied text that kept its trailing newline would add a line to every prompt.
   */
  private static void checkEdges(String source, PromptText name, String text) {
    String edges = "\n\r";
    if (!text.isEmpty()
        && (edges.indexOf(text.charAt(0)) >= 0
            || edges.indexOf(text.charAt(text.length() - 1)) >= 0)) {
      throw new PromptTextsException(
          source
              + ": \""
              + name.key()
              + "\" starts or ends with a line break; leave it off, the layout writes the line"
              + " breaks around each text (docs/llm.md)");
    }
  }

  private static String allowedList(PromptText name) {
    List<String> allowed = name.allowed().stream().map(p -> "{" + p + "}").toList();
    return allowed.isEmpty()
        ? " (it takes none)"
        : " (it takes " + String.join(", ", allowed) + ")";
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  /** Where these texts came from: {@value #DEFAULT_NAME} or the file they were read from. */
  public String source() {
    return source;
  }

  /** The text called {@code name} as written, placeholders included. */
  public String get(PromptText name) {
    return texts.get(name);
  }

  /**
   * The text called {@code name} with its placeholders filled from {@code values}.
   *
   * @throws IllegalArgumentException when the text uses a placeholder that {@code values} lacks
   */
  public String format(PromptText name, Map<String, ?> values) {
    Matcher matcher = PLACEHOLDER.matcher(texts.get(name));
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      Object value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            "no value for {" + matcher.group(1) + "} in \"" + name.key() + "\"");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value.toString()));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** As {@link #format(PromptText, Map)} for the text called {@code key} in a file. */
  public String format(String key, Map<String, ?> values) {
    PromptText name =
        PromptText.fromKey(key)
            .orElseThrow(() -> new IllegalArgumentException("unknown text name \"" + key + "\""));
    return format(name, values);
  }

  /** Every text by its file name, in the order of {@link PromptText}. */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    texts.forEach((name, text) -> map.put(name.key(), text));
    return map;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PromptTexts that && texts.equals(that.texts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(texts);
  }

  @Override
  public String toString() {
    return "PromptTexts[" + source + "]";
  }
}
