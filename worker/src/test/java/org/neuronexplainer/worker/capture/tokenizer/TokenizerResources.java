package org.neuronexplainer.worker.capture.tokenizer;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The tokenizer.json fixtures of this package's test resources (see the README there). */
final class TokenizerResources {
  private TokenizerResources() {}

  /** The Llama 2 / Mistral-shaped SentencePiece BPE with byte fallback. */
  static Path sentencePiece() {
    return folder("sentencepiece-bpe");
  }

  /** The Llama 3 / Qwen 2-shaped byte-level BPE behind a Split regex. */
  static Path byteLevelSplit() {
    return folder("byte-level-split");
  }

  private static Path folder(String name) {
    URL url = TokenizerResources.class.getResource(name + "/tokenizer.json");
    if (url == null) {
      throw new IllegalStateException("test resource " + name + "/tokenizer.json is missing");
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
