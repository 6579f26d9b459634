package org.neuronexplainer.common.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A file a run's prompts were built from (prompt texts or a few-shot set), recorded so that the run
 * can be repeated and its scores traced to what produced them.
 *
 * <p>A submitted spec carries the file's {@code content}; when the spec is stored the content goes
 * to its own key beside the spec ({@link RunRecords#inputKey}) and the stored spec keeps the name
 * and hash only.
 *
 * @param name the file name the user gave, or {@code default} (prompt texts) or {@code
 *     default:FILE} (a bundled few-shot set) for the project's own
 * @param sha256 the SHA-256 of the content's UTF-8 bytes, lower-case hex; computed when absent
 * @param content the file's text in a submission; null in a stored spec
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunInput(String name, String sha256, String content) {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public RunInput {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a run input needs a name");
    }
    if (content != null) {
      String actual = sha256(content.getBytes(StandardCharsets.UTF_8));
      if (sha256 != null && !sha256.equals(actual)) {
        throw new IllegalArgumentException(
            "run input " + name + ": sha256 " + sha256 + " does not match its content");
      }
      sha256 = actual;
    }
    if (sha256 == null || !HEX.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "run input " + name + ": sha256 must be 64 lower-case hex digits");
    }
  }

  /** The file {@code name} with {@code bytes} (UTF-8 text, as every input file is JSON). */
  public static RunInput of(String name, byte[] bytes) {
    return new RunInput(name, null, new String(bytes, StandardCharsets.UTF_8));
  }

  /** The record a stored spec keeps: name and hash. */
  public RunInput withoutContent() {
    return content == null ? this : new RunInput(name, sha256, null);
  }

  /** The SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
