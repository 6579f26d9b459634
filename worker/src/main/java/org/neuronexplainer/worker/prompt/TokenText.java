package org.neuronexplainer.worker.prompt;

/**
 * Makes untrusted text (dataset tokens, explanations) safe to put inside a prompt, where escaping
 * is asked for: by default the explainers write tokens as they are, as the original does
 * (docs/method.md 3.2).
 *
 * <p>Prompts are line-oriented: a record is {@code token<TAB>value} lines between {@code <start>}
 * and {@code <end>} lines, and the simulator's parser finds the last {@code <start>} and the slots
 * after tabs (docs/method.md 3.2, 4.1). A token is rendered by {@link #token}:
 *
 * <ul>
 *   <li>tab, newline and carriage return become the visible two-character escapes {@code \t},
 *       {@code \n}, {@code \r}; any other control character (U+0000..U+001F, U+007F) becomes {@code
 *       \xHH}; the Unicode line breaks U+0085, U+2028 and U+2029 become a backslash, "u" and their
 *       four hex digits. So a token can never end its line or fake the tab before a value;
 *   <li>{@code <start>} and {@code <end>} become {@code <_start>} and {@code <_end>}, so a token
 *       can never open or close a block, nor move the "last {@code <start>}" the parser relies on;
 *   <li>{@code <|} becomes {@code <_|}, so a token can never form a special token such as {@code
 *       <|endofprompt|>} or {@code <|endoftext|>} (which GPT-2 records do contain).
 * </ul>
 *
 * Backslashes are left alone: a token that already reads {@code \t} and a tab render the same. That
 * is harmless because rendering is one-way: parsers align responses with the rendered text of the
 * known tokens and never read tokens back out of a prompt.
 *
 * <p>An explanation is rendered by {@link #explanation}: stripped, every run of whitespace that
 * contains a line break (Unicode ones included) or tab collapsed to one space, the same marker
 * neutralization as tokens, and other control characters dropped. An explanation is thus one line:
 * text such as {@code "\nActivations:"} inside it cannot start a section of the prompt.
 */
public final class TokenText {
  private TokenText() {}

  /**
   * {@code token} as written into a prompt: as it is (the original's way), or escaped by {@link
   * #token(String)} when {@code escape} is set.
   */
  public static String token(String token, boolean escape) {
    return escape ? token(token) : token;
  }

  /** {@code token} escaped, as it appears in a {@code token<TAB>value} line. */
  public static String token(String token) {
    StringBuilder out = new StringBuilder(token.length() + 4);
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      switch (c) {
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\u0085', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return neutralizeMarkers(out.toString());
  }

  /** {@code explanation} as one safe line of prompt text. */
  public static String explanation(String explanation) {
    String oneLine =
        explanation.strip().replaceAll("\\s*[\\t\\n\\r\\u000B\\f\\u0085\\u2028\\u2029]\\s*", " ");
    StringBuilder out = new StringBuilder(oneLine.length());
    for (int i = 0; i < oneLine.length(); i++) {
      char c = oneLine.charAt(i);
      if (c >= 0x20 && c != 0x7f) {
        out.append(c);
      }
    }
    return neutralizeMarkers(out.toString());
  }

  /**
   * The block markers and special-token openers made inert; for text whose other characters are
   * already safe (JSON strings).
   */
  public static String neutralizeMarkers(String text) {
    return text.replace("<start>", "<_start>").replace("<end>", "<_end>").replace("<|", "<_|");
  }
}
