package org.neuronexplainer.worker.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test fixtures in {@code src/test/resources/fixtures}, as folders on disk. The cli's tests
 * read them from this module's test jar, where they are jar entries; those are copied once per JVM
 * into a temporary folder.
 */
public final class Fixtures {
  private static final String HF_GPT2_REFERENCE = "fixtures/hf-gpt2-reference";
  private static final List<String> HF_GPT2_REFERENCE_FILES =
      List.of(
          "config.json",
          "generation_config.json",
          "merges.txt",
          "model.safetensors",
          "reference-activations.safetensors",
          "vocab.json");

  private static final String HF_LLAMA_REFERENCE = "fixtures/hf-llama-reference";
  private static final List<String> HF_LLAMA_REFERENCE_FILES =
      List.of(
          "config.json",
          "generation_config.json",
          "model.safetensors",
          "reference-activations.safetensors");

  private static Path hfGpt2Reference;
  private static Path hfLlamaReference;

  private Fixtures() {}

  /** The tiny random GPT-2 and the activations Hugging Face computed on it (see its README). */
  public static synchronized Path hfGpt2Reference() {
    if (hfGpt2Reference == null) {
      hfGpt2Reference = folder(HF_GPT2_REFERENCE, HF_GPT2_REFERENCE_FILES);
    }
    return hfGpt2Reference;
  }

  /** The tiny random Llama and the activations Hugging Face computed on it (see its README). */
  public static synchronized Path hfLlamaReference() {
    if (hfLlamaReference == null) {
      hfLlamaReference = folder(HF_LLAMA_REFERENCE, HF_LLAMA_REFERENCE_FILES);
    }
    return hfLlamaReference;
  }

  private static Path folder(String resource, List<String> files) {
    URL first = resource(resource + "/" + files.get(0));
    try {
      if (first.getProtocol().equals("file")) {
        return Path.of(first.toURI()).getParent();
      }
      Path dir = Files.createTempDirectory("fixture-");
      // Deleted in the reverse order of registration: the files, then the folder.
      dir.toFile().deleteOnExit();
      for (String file : files) {
        try (InputStream in = resource(resource + "/" + file).openStream()) {
          Files.copy(in, dir.resolve(file));
        }
        dir.resolve(file).toFile().deleteOnExit();
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URL resource(String name) {
    URL url = Fixtures.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException("fixture missing from the test class path: " + name);
    }
    return url;
  }
}
