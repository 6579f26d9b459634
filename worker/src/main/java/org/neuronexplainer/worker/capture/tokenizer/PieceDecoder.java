package org.neuronexplainer.worker.capture.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes one token stands for, derived from a {@code tokenizer.json}'s decoder: GPT-2-style
 * byte-level tokens (Llama 3, Qwen 2) map each character to a byte as {@link ByteUnicode} does;
 * SentencePiece-style tokens (Llama 2, Mistral) turn {@code "▁"} into a space and a byte-fallback
 * token {@code <0xNN>} into that byte; anything else is the token's own UTF-8.
 *
 * <p>The decoders that only join tokens ({@code Fuse}) or strip the space the normalizer put in
 * front of the text ({@code Strip}, and {@code Metaspace}'s own first-token strip) are not applied:
 * a token's text keeps its leading space wherever it falls in a sequence. A decoder step not listed
 * here gives no rule ({@link #of} is empty), and the caller decodes tokens through the library.
 */
final class PieceDecoder {
  private static final Pattern BYTE_TOKEN = Pattern.compile("<0x([0-9A-Fa-f]{2})>");

  /** The string replacements before the bytes are read, in the decoder's order. */
  private final List<String[]> replacements;

  private final boolean byteLevel;
  private final boolean byteFallback;

  private PieceDecoder(List<String[]> replacements, boolean byteLevel, boolean byteFallback) {
    this.replacements = List.copyOf(replacements);
    this.byteLevel = byteLevel;
    this.byteFallback = byteFallback;
  }

  /**
   * The rule for a tokenizer.json's {@code decoder} node, or empty when it has a step not known.
   */
  static Optional<PieceDecoder> of(JsonNode decoder) {
    if (decoder == null || decoder.isNull() || decoder.isMissingNode()) {
      return Optional.empty();
    }
    List<JsonNode> steps = new ArrayList<>();
    if (decoder.path("type").asText().equals("Sequence")) {
      decoder.path("decoders").forEach(steps::add);
    } else {
      steps.add(decoder);
    }
    List<String[]> replacements = new ArrayList<>();
    boolean byteLevel = false;
    boolean byteFallback = false;
    for (JsonNode step : steps) {
      switch (step.path("type").asText()) {
        case "ByteLevel" -> byteLevel = true;
        case "ByteFallback" -> byteFallback = true;
        case "Fuse", "Strip" -> {
          // Fuse only joins tokens; Strip removes the normalizer's leading space from the text.
        }
        case "Replace" -> {
          JsonNode pattern = step.path("pattern").path("String");
          if (!pattern.isTextual()) {
            return Optional.empty(); // a regex replacement: leave it to the library
          }
          replacements.add(new String[] {pattern.asText(), step.path("content").asText()});
        }
        case "Metaspace" ->
            replacements.add(new String[] {step.path("replacement").asText("\u2581"), " "});
        default -> {
          return Optional.empty();
        }
      }
    }
    if (byteLevel && (byteFallback || !replacements.isEmpty())) {
      return Optional.empty(); // no known tokenizer mixes the two; do not guess
    }
    return Optional.of(new PieceDecoder(replacements, byteLevel, byteFallback));
  }

  /** The bytes of one token, given its string in the vocabulary (or an added token's content). */
  byte[] bytes(String token) {
    if (byteLevel) {
      // As the library does: a token with a character outside the byte map is its own UTF-8.
      byte[] bytes = ByteUnicode.decode(token);
      return bytes != null ? bytes : token.getBytes(StandardCharsets.UTF_8);
    }
    if (byteFallback) {
      Matcher matcher = BYTE_TOKEN.matcher(token);
      if (matcher.matches()) {
        return new byte[] {(byte) Integer.parseInt(matcher.group(1), 16)};
      }
    }
    String text = token;
    for (String[] replacement : replacements) {
      text = text.replace(replacement[0], replacement[1]);
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
