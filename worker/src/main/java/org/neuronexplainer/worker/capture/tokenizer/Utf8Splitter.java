package org.neuronexplainer.worker.capture.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Decodes a byte stream that arrives in pieces, returning for each piece the characters it
 * completes and holding back the leading bytes of a character that is not complete yet.
 */
final class Utf8Splitter {
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  /**
   * The texts of a sequence of tokens that join to its decoded bytes: each character goes to the
   * token holding its last byte, a token holding only the leading bytes of one gets {@code ""}, and
   * bytes that never form a character become U+FFFD.
   */
  static List<String> tokenTexts(int[] ids, IntFunction<byte[]> tokenBytes) {
    Utf8Splitter splitter = new Utf8Splitter();
    List<String> texts = new ArrayList<>(ids.length);
    for (int id : ids) {
      texts.add(splitter.feed(tokenBytes.apply(id)));
    }
    String rest = splitter.finish();
    if (!rest.isEmpty()) {
      texts.set(texts.size() - 1, texts.get(texts.size() - 1) + rest);
    }
    return texts;
  }

  /** The text completed by these bytes. */
  String feed(byte[] bytes) {
    pending.write(bytes, 0, bytes.length);
    byte[] all = pending.toByteArray();
    int complete = all.length - incompleteTail(all);
    pending.reset();
    pending.write(all, complete, all.length - complete);
    // Malformed bytes inside the complete part become U+FFFD, as String(byte[], UTF_8) does.
    return new String(all, 0, complete, StandardCharsets.UTF_8);
  }

  /** Whatever is still held back, as U+FFFD: a character cut off at the end. */
  String finish() {
    String rest = new String(pending.toByteArray(), StandardCharsets.UTF_8);
    pending.reset();
    return rest;
  }

  /** The length of a trailing lead byte plus too few continuation bytes, or 0. */
  private static int incompleteTail(byte[] bytes) {
    int continuations = 0;
    for (int i = bytes.length - 1; i >= 0 && continuations < 4; i--) {
      int b = bytes[i] & 0xff;
      if ((b & 0xC0) == 0x80) {
        continuations++;
        continue;
      }
      int needed = (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : 0;
      return continuations < needed ? continuations + 1 : 0;
    }
    return 0;
  }
}
