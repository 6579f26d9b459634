package org.neuronexplainer.worker.simulate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The tokens of an echoed prompt laid out as UTF-8 bytes, so positions in the prompt can be found
 * among them whatever the simulator's tokenizer did.
 *
 * <p>A token is its text's UTF-8 bytes, except OpenAI's {@code bytes:} form for pieces of a
 * multi-byte character: {@code bytes:\xe2\x80} holds the escaped bytes themselves (and any plain
 * text in it as UTF-8). Offsets are recomputed from these bytes rather than taken from {@code
 * text_offset}, which servers count differently for such pieces.
 */
final class EchoedTokens {
  static final String BYTES_PREFIX = "bytes:";

  private final byte[] bytes;
  private final int[] starts;

  EchoedTokens(List<String> tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    starts = new int[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      starts[i] = out.size();
      byte[] tokenBytes = bytesOf(tokens.get(i));
      out.write(tokenBytes, 0, tokenBytes.length);
    }
    bytes = out.toByteArray();
  }

  /** The byte offset at which token {@code i} starts. */
  int start(int i) {
    return starts[i];
  }

  int size() {
    return starts.length;
  }

  /** The index of the token that starts exactly at byte {@code offset}, or -1. */
  int tokenStartingAt(int offset) {
    int low = 0;
    int high = starts.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (starts[mid] < offset) {
        low = mid + 1;
      } else if (starts[mid] > offset) {
        high = mid - 1;
      } else {
        // Empty tokens share an offset with the next one; the slot is the last of them.
        while (mid + 1 < starts.length && starts[mid + 1] == offset) {
          mid++;
        }
        return mid;
      }
    }
    return -1;
  }

  /** Where {@code text}'s UTF-8 bytes first occur in the echoed bytes, or -1. */
  int indexOf(String text) {
    byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int at = 0; at + wanted.length <= bytes.length; at++) {
      for (int k = 0; k < wanted.length; k++) {
        if (bytes[at + k] != wanted[k]) {
          continue outer;
        }
      }
      return at;
    }
    return -1;
  }

  /** Where {@code text}'s UTF-8 bytes last occur in the echoed bytes, or -1. */
  int lastIndexOf(String text) {
    byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int at = bytes.length - wanted.length; at >= 0; at--) {
      for (int k = 0; k < wanted.length; k++) {
        if (bytes[at + k] != wanted[k]) {
          continue outer;
        }
      }
      return at;
    }
    return -1;
  }

  static byte[] bytesOf(String token) {
    if (!token.startsWith(BYTES_PREFIX)) {
      return token.getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String rest = token.substring(BYTES_PREFIX.length());
    int i = 0;
    while (i < rest.length()) {
      if (rest.startsWith("\\x", i) && i + 4 <= rest.length() && isHex(rest, i + 2)) {
        out.write(Integer.parseInt(rest.substring(i + 2, i + 4), 16));
        i += 4;
      } else {
        int codePoint = rest.codePointAt(i);
        byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        out.write(encoded, 0, encoded.length);
        i += Character.charCount(codePoint);
      }
    }
    return out.toByteArray();
  }

  private static boolean isHex(String text, int at) {
    return Character.digit(text.charAt(at), 16) >= 0
        && Character.digit(text.charAt(at + 1), 16) >= 0;
  }
}
