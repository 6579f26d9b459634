package org.neuronexplainer.cli.explain;

import java.util.HashMap;
import java.util.Map;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.Tokenizer;
import org.neuronexplainer.worker.prompt.TokenCounter;
import picocli.CommandLine.Option;

/**
 * The LLM endpoint options shared by the commands that build or send requests. Each flag overrides
 * its {@code LLM_*} environment variable; everything else comes from the environment.
 */
public final class LlmOptions {

  @Option(
      names = "--llm-url",
      paramLabel = "URL",
      description = "API base URL (LLM_BASE_URL; default https://api.openai.com/v1).")
  String url;

  @Option(
      names = "--llm-model",
      paramLabel = "MODEL",
      description = "Model, or Azure deployment (LLM_MODEL).")
  String model;

  @Option(
      names = "--llm-key-env",
      paramLabel = "VAR",
      description = "Read the API key from this environment variable (default LLM_API_KEY).")
  String keyEnv;

  @Option(
      names = "--llm-flavor",
      paramLabel = "openai|azure",
      description = "API flavor (LLM_API_FLAVOR; default openai).")
  String flavor;

  @Option(
      names = "--llm-max-concurrency",
      paramLabel = "N",
      description = "Calls in flight at once (LLM_MAX_CONCURRENCY; default 16).")
  Integer maxConcurrency;

  @Option(
      names = "--llm-max-attempts",
      paramLabel = "N",
      description = "Attempts per call, the first included (LLM_MAX_ATTEMPTS; default 8).")
  Integer maxAttempts;

  @Option(
      names = "--simulator-url",
      paramLabel = "URL",
      description = {
        "API base URL of the simulator's own endpoint, such as a vLLM server",
        "(LLM_SIMULATOR_BASE_URL; default: the explainer's). Needs --simulator-model."
      })
  String simulatorUrl;

  @Option(
      names = "--simulator-model",
      paramLabel = "MODEL",
      description = "Model that simulates (LLM_SIMULATOR_MODEL; default: --llm-model).")
  String simulatorModel;

  @Option(
      names = "--simulator-key-env",
      paramLabel = "VAR",
      description = {
        "Read the simulator endpoint's API key from this environment variable (default",
        "LLM_SIMULATOR_API_KEY; the explainer's key only where both share a URL)."
      })
  String simulatorKeyEnv;

  @Option(
      names = "--tokenizer",
      paramLabel = "T",
      description = {
        "How prompt tokens are counted, for trimming to the context and for the printed",
        "counts: auto (the model's encoding), cl100k_base, o200k_base, p50k_base,",
        "r50k_base or estimate (LLM_TOKENIZER; default auto)."
      })
  String tokenizer;

  /** The configuration: the environment with the flags put over it. */
  public LlmConfig config(Map<String, String> environment) {
    try {
      return LlmConfig.fromEnv(overrides(environment));
    } catch (IllegalArgumentException e) {
      throw new UserException("LLM configuration: " + e.getMessage());
    }
  }

  /**
   * The environment with the flags put over their {@code LLM_*} variables, for processes that read
   * the variables themselves (the one-machine run's worker).
   */
  public Map<String, String> overrides(Map<String, String> environment) {
    Map<String, String> env = new HashMap<>(environment);
    put(env, "LLM_BASE_URL", url);
    put(env, "LLM_MODEL", model);
    put(env, "LLM_API_FLAVOR", flavor);
    put(env, "LLM_MAX_CONCURRENCY", maxConcurrency);
    put(env, "LLM_MAX_ATTEMPTS", maxAttempts);
    if (tokenizer != null) {
      try {
        Tokenizer.fromConfigName(tokenizer);
      } catch (IllegalArgumentException e) {
        throw new UserException("--tokenizer is '" + tokenizer + "': expected " + e.getMessage());
      }
      env.put("LLM_TOKENIZER", tokenizer);
    }
    putKey(env, environment, "--llm-key-env", keyEnv, "LLM_API_KEY");
    put(env, "LLM_SIMULATOR_BASE_URL", simulatorUrl);
    put(env, "LLM_SIMULATOR_MODEL", simulatorModel);
    putKey(env, environment, "--simulator-key-env", simulatorKeyEnv, "LLM_SIMULATOR_API_KEY");
    return env;
  }

  /**
   * The counter of prompt tokens for {@code model}: --tokenizer, else LLM_TOKENIZER, else the
   * model's encoding.
   */
  public TokenCounter tokenCounter(Map<String, String> environment, String model) {
    return TokenCounter.of(config(environment).tokenizerFor(model));
  }

  /** The model requests name: the flag, else LLM_MODEL; a user error when there is none. */
  public String requireModel(Map<String, String> environment) {
    String chosen = model != null ? model : environment.getOrDefault("LLM_MODEL", "");
    if (chosen.isBlank()) {
      throw new UserException("this backend needs a model: pass --llm-model or set LLM_MODEL");
    }
    return chosen;
  }

  private static void putKey(
      Map<String, String> env,
      Map<String, String> environment,
      String flag,
      String keyEnv,
      String name) {
    if (keyEnv != null) {
      String key = environment.get(keyEnv);
      if (key == null || key.isEmpty()) {
        throw new UserException(flag + " " + keyEnv + ": that variable is not set");
      }
      env.put(name, key);
    }
  }

  private static void put(Map<String, String> env, String name, Object value) {
    if (value != null) {
      env.put(name, value.toString());
    }
  }
}
