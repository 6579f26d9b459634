package org.neuronexplainer.worker.capture;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test fixtures, found through the {@code shared.dir} property the build sets. */
public final class Fixtures {
  private Fixtures() {}

  /** The tiny random GPT-2 and the activations Hugging Face computed on it (see its README). */
  public static Path hfGpt2Reference() {
    String shared = System.getProperty("shared.dir");
    if (shared == null) {
      throw new IllegalStateException("system property shared.dir is not set (run through Maven)");
    }
    Path dir = Path.of(shared, "fixtures", "hf-gpt2-reference");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("fixture missing: " + dir);
    }
    return dir;
  }
}
