package org.neuronexplainer.worker.capture.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenization: the text is cut into words, numbers, punctuation runs and whitespace by
 * one regular expression, and BPE then runs inside each piece. {@code \s} is Unicode whitespace
 * (the White_Space property, as in Hugging Face's Rust tokenizer), hence UNICODE_CHARACTER_CLASS;
 * {@code \p{L}} and {@code \p{N}} are Unicode categories either way.
 */
final class PreTokenizer {
  private static final Pattern GPT2 =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private PreTokenizer() {}

  static List<String> split(String text) {
    List<String> pieces = new ArrayList<>();
    Matcher matcher = GPT2.matcher(text);
    while (matcher.find()) {
      pieces.add(matcher.group());
    }
    return pieces;
  }
}
