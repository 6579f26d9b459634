package org.neuronexplainer.common.dataset.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The hand-written example files and their orjson-written canonical forms (canonical.py). */
final class Examples {
  static final String[] NAMES = {
    "collated-activations.json",
    "collated-activations-nulls.json",
    "explanations.jsonl",
    "explanations-calibrated.jsonl",
    "related-tokens-activation-based.json",
    "related-tokens-weight-based.json",
    "related-neurons.json",
    "related-neurons-layer0.json"
  };

  private Examples() {}

  static String example(String name) {
    return resource("/dataset/json/examples/" + name);
  }

  static String canonical(String name) {
    return resource("/dataset/json/canonical/" + name);
  }

  static String resource(String path) {
    try (InputStream in = Examples.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
