package org.neuronexplainer.common.dataset.json;

import java.io.IOException;

/**
 * A dataset file that is not valid: malformed JSON, or JSON that does not match the dataset schema.
 * The message names the source (a file path or blob name), where in it (a JSON path such as {@code
 * $.most_positive_activation_records[3].activations}, or a line and column for malformed JSON) and
 * what is wrong, so it can be shown to a user as is.
 */
public final class DatasetFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String jsonPath;
  private final int line;
  private final int column;
  private final String problem;

  private DatasetFormatException(
      String source, String jsonPath, int line, int column, String problem, Throwable cause) {
    super(source + ": " + where(jsonPath, line, column) + problem, cause);
    this.source = source;
    this.jsonPath = jsonPath;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  /** A schema problem at a JSON path ({@code $} is the top-level value). */
  public static DatasetFormatException atPath(String source, String jsonPath, String problem) {
    return new DatasetFormatException(source, jsonPath, -1, -1, problem, null);
  }

  /** A syntax problem at a 1-based line and column (either may be -1 when unknown). */
  public static DatasetFormatException atLocation(
      String source, int line, int column, String problem, Throwable cause) {
    return new DatasetFormatException(source, null, line, column, problem, cause);
  }

  /** A problem with the source as a whole (empty file, too many lines). */
  public static DatasetFormatException inSource(String source, String problem) {
    return new DatasetFormatException(source, null, -1, -1, problem, null);
  }

  private static String where(String jsonPath, int line, int column) {
    if (jsonPath != null) {
      return jsonPath + ": ";
    }
    if (line > 0) {
      return "line " + line + (column > 0 ? ", column " + column : "") + ": ";
    }
    return "";
  }

  /** The file path or blob name the JSON came from. */
  public String source() {
    return source;
  }

  /** The JSON path of the offending value, or null for syntax and whole-file problems. */
  public String jsonPath() {
    return jsonPath;
  }

  /** The 1-based line of a syntax problem, or -1. */
  public int line() {
    return line;
  }

  /** The 1-based column of a syntax problem, or -1. */
  public int column() {
    return column;
  }

  /** What is wrong, without the source and location. */
  public String problem() {
    return problem;
  }
}
