package org.neuronexplainer.worker.capture.tokenizer;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Loads the tokenizer of the directory given and prints the ids of "Hello world", or the error: run
 * in a JVM of its own by {@link NativeLibraryTest}, since the native library loads once per
 * process.
 */
public final class TokenizerProbe {
  private TokenizerProbe() {}

  public static void main(String[] args) {
    try (SubjectTokenizer tokenizer = SubjectTokenizer.load(Path.of(args[0]))) {
      System.out.println("ids " + Arrays.toString(tokenizer.encode("Hello world")));
    } catch (TokenizerException e) {
      System.out.println("error " + e.getMessage());
      System.exit(3);
    }
  }
}
