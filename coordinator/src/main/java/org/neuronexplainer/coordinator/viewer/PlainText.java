package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What the pages say about stores and problems, in the words a user knows: a store as its path or
 * address, a malformed file as "line L, column C: what is wrong", a failure as its reason. Class
 * names, exception names and the JSON parser's own location notes never reach a page.
 */
final class PlainText {

  // "LocalDirectoryStore[/data/store]", "HttpsBlobStore[https://...]",
  // "AzureBlobStore[account=a, https://...]": the part a user gave.
  private static final Pattern STORE_NAME =
      Pattern.compile("\\b[A-Z][A-Za-z0-9]*Store\\[(?:account=[^,\\]]*, )?([^\\]]*)]");
  // Jackson's location notes: " at [Source: ...; line: 1, column: 34]" and "(start marker at ...)".
  private static final Pattern JSON_AT =
      Pattern.compile("\\s*at \\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]");
  private static final Pattern START_MARKER =
      Pattern.compile("\\s*\\(start marker at \\[Source: [^\\]]*]\\)");
  private static final Pattern SOURCE = Pattern.compile("\\s*\\[Source: [^\\]]*]");
  // "PermanentException: ", "java.io.UncheckedIOException: ", or such a name alone at the end.
  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "(?:\\b[a-z_][A-Za-z0-9_$]*\\.)*\\b[A-Z][A-Za-z0-9_$]*(?:Exception|Error)(?::\\s*|\\s*$)");

  private PlainText() {}

  /** The store as whoever opened it wrote it: a directory's path or a container's address. */
  static String storeName(BlobStore store) {
    return STORE_NAME
        .matcher(String.valueOf(store))
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
  }

  /** A JSON parser's complaint as "line L, column C: what is wrong". */
  static String jsonProblem(JsonProcessingException e) {
    String what = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage();
    what = firstLine(START_MARKER.matcher(what).replaceAll(""));
    what = SOURCE.matcher(what).replaceAll("");
    JsonLocation at = e.getLocation();
    if (at == null || at.getLineNr() <= 0) {
      return what;
    }
    return "line "
        + at.getLineNr()
        + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "")
        + ": "
        + what;
  }

  /** Why something failed, from an exception: its message, cleaned as {@link #reason(String)}. */
  static String reason(Throwable e) {
    if (e instanceof JsonProcessingException json) {
      return jsonProblem(json);
    }
    String message = e.getMessage();
    if ((message == null || message.isBlank()) && e.getCause() != null && e.getCause() != e) {
      return reason(e.getCause());
    }
    return reason(message);
  }

  /** Why {@code key} could not be read from its store, without the key said twice. */
  static String readFailure(String key, Throwable e) {
    String why = reason(e);
    for (String said :
        new String[] {"cannot read blob " + key + ": ", "cannot read " + key + ": "}) {
      if (why.startsWith(said)) {
        why = why.substring(said.length());
      }
    }
    return "cannot be read (" + why + ")";
  }

  /**
   * A reason as recorded (a failure record, an exception's message) without class names or the JSON
   * parser's location notes; a parser location becomes a leading "line L, column C".
   */
  static String reason(String message) {
    if (message == null || message.isBlank()) {
      return "no reason given";
    }
    String text = message;
    String where = null;
    Matcher at = JSON_AT.matcher(text);
    while (at.find()) {
      where = "line " + at.group(1) + ", column " + at.group(2);
    }
    text = JSON_AT.matcher(text).replaceAll("");
    text = START_MARKER.matcher(text).replaceAll("");
    text = SOURCE.matcher(text).replaceAll("");
    text = STORE_NAME.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    text = CLASS_NAME.matcher(text).replaceAll("");
    text = text.strip();
    if (text.isEmpty()) {
      return "no reason given";
    }
    return where == null ? text : where + ": " + text;
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
