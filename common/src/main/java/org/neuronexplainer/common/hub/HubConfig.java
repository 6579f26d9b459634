package org.neuronexplainer.common.hub;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.neuronexplainer.common.config.Env;

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
  public static HubConfig fromEnv(Map<String, String> vars, Path home) {
    Env env = new Env(vars);
    Path root =
        env.find("NEURON_EXPLAINER_CACHE")
            .map(Path::of)
            .orElse(home.resolve(".cache").resolve("neuron-explainer"));
    return new HubConfig(
        env.httpUrl("HF_ENDPOINT", DEFAULT_ENDPOINT), env.find("HF_TOKEN"), root.resolve("models"));
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
