package org.neuronexplainer.worker.capture.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible map between bytes and printable characters: byte-level BPE works on strings in
 * which every byte is one visible character, so that no token contains whitespace or control
 * characters (the space byte becomes {@code 'Ġ'}, U+0120).
 */
final class ByteUnicode {
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    Arrays.fill(CHAR_TO_BYTE, -1);
    // Printable Latin-1 bytes stand for themselves; the rest are shifted to 256 and up, in order.
    int shifted = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char c = printable ? (char) b : (char) (256 + shifted++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteUnicode() {}

  static char charOf(byte b) {
    return BYTE_TO_CHAR[b & 0xff];
  }

  /** The byte a character stands for, or -1 when it is not one of the 256 byte characters. */
  static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /** The byte-level string of some bytes: one character per byte. */
  static String encode(byte[] bytes) {
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = charOf(bytes[i]);
    }
    return new String(chars);
  }

  /** The bytes behind a byte-level string, or null when it holds another character. */
  static byte[] decode(String token) {
    byte[] bytes = new byte[token.length()];
    for (int i = 0; i < bytes.length; i++) {
      int b = byteOf(token.charAt(i));
      if (b < 0) {
        return null;
      }
      bytes[i] = (byte) b;
    }
    return bytes;
  }
}
