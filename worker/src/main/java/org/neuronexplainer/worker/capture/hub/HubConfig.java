package org.neuronexplainer.worker.capture.hub;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where models come from and where they are kept, read from the environment.
 *
 * @param endpoint the hub ({@code HF_ENDPOINT}, default https://huggingface.co)
 * @param token a bearer token for gated or private models ({@code HF_TOKEN}), if any
 * @param modelsRoot {@code $NEURON_EXPLAINER_CACHE/models}, default {@code
 *     ~/.cache/neuron-explainer/models}
 */
public record HubConfig(URI endpoint, Optional<String> token, Path modelsRoot) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

  public HubConfig {
    String text = endpoint.toString();
    if (text.endsWith("/")) {
      endpoint = URI.create(text.substring(0, text.length() - 1));
    }
  }

  /** Reads {@code HF_ENDPOINT}, {@code HF_TOKEN} and {@code NEURON_EXPLAINER_CACHE}. */
  public static HubConfig fromEnv(Map<String, String> env, Path home) {
    String endpoint = blankToNull(env.get("HF_ENDPOINT"));
    String cache = blankToNull(env.get("NEURON_EXPLAINER_CACHE"));
    Path root = cache != null ? Path.of(cache) : home.resolve(".cache").resolve("neuron-explainer");
    return new HubConfig(
        URI.create(endpoint == null ? DEFAULT_ENDPOINT : endpoint),
        Optional.ofNullable(blankToNull(env.get("HF_TOKEN"))),
        root.resolve("models"));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  @Override
  public String toString() {
    // Never print the token.
    return "HubConfig[endpoint="
        + endpoint
        + ", token="
        + (token.isPresent() ? "(set)" : "(none)")
        + ", modelsRoot="
        + modelsRoot
        + "]";
  }
}
