package org.neuronexplainer.worker.capture.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A deterministic small corpus for capture tests: a plain text file and a JSONL file. */
final class TinyCorpus {
  private static final String[] WORDS = {
    "the", "river", "boat", "Monday", "seven", "Canada", "green", "quietly", "and", "of", "42",
    "(", ")", "walked", "north", "sea", "code", "if", "else", "return", "water", "bridge"
  };

  private TinyCorpus() {}

  static String text(long seed, int words) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < words; i++) {
      text.append(i == 0 ? "" : random.nextInt(9) == 0 ? ".\n" : " ");
      text.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }

  /** Writes {@code plain.txt} and {@code docs.jsonl} under {@code dir}; returns both. */
  static Path[] write(Path dir) throws IOException {
    Path plain = dir.resolve("plain.txt");
    Files.writeString(plain, text(1, 500));
    Path jsonl = dir.resolve("docs.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int d = 0; d < 6; d++) {
      lines.append("{\"text\": \"").append(text(10 + d, 80).replace("\n", "\\n")).append("\"}\n");
    }
    Files.writeString(jsonl, lines.toString());
    return new Path[] {plain, jsonl};
  }
}
