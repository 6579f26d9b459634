package org.neuronexplainer.worker.llm;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the LLM client needs, validated, immutable. Built from environment variables by {@link
 * #fromEnv}; CLI flags override by putting their values into the same map.
 *
 * @param baseUrl the API base: {@code https://api.openai.com/v1}, {@code http://host:8000/v1}
 *     (vLLM), {@code http://localhost:11434/v1} (Ollama); for Azure the resource endpoint {@code
 *     https://NAME.openai.azure.com}
 * @param apiKey bearer token (OpenAI flavor) or {@code api-key} (Azure); empty for none
 * @param model the model put into request bodies that do not name one; may be empty
 * @param azureDeployment the Azure deployment in the URL (defaults to the model)
 * @param requestsPerMinute 0 for no limit
 * @param tokensPerMinute 0 for no limit
 * @param maxAttempts attempts per call, the first included
 */
public record LlmConfig(
    URI baseUrl,
    String apiKey,
    String model,
    ApiFlavor flavor,
    String azureDeployment,
    String azureApiVersion,
    Map<String, String> extraHeaders,
    Duration timeout,
    int maxConcurrency,
    long requestsPerMinute,
    long tokensPerMinute,
    int maxAttempts,
    Duration retryInitialDelay,
    Duration retryMaxDelay,
    PriceTable prices) {

  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  // The current GA data-plane version of Azure OpenAI at the time of writing.
  public static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

  public LlmConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    apiKey = apiKey == null ? "" : apiKey;
    model = model == null ? "" : model;
    Objects.requireNonNull(flavor, "flavor");
    azureDeployment =
        azureDeployment == null || azureDeployment.isEmpty() ? model : azureDeployment;
    azureApiVersion = azureApiVersion == null ? DEFAULT_AZURE_API_VERSION : azureApiVersion;
    extraHeaders = Map.copyOf(extraHeaders);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retryInitialDelay, "retryInitialDelay");
    Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
    Objects.requireNonNull(prices, "prices");
    if (flavor == ApiFlavor.AZURE && azureDeployment.isEmpty()) {
      throw new IllegalArgumentException(
          "LLM_API_FLAVOR=azure needs LLM_AZURE_DEPLOYMENT or LLM_MODEL to name the deployment");
    }
    if (flavor == ApiFlavor.AZURE && apiKey.isEmpty()) {
      throw new IllegalArgumentException("LLM_API_FLAVOR=azure needs LLM_API_KEY");
    }
  }

  /** Reads the {@code LLM_*} variables; a bad value throws an exception naming it and its value. */
  public static LlmConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new LlmConfig(
        r.httpUri("LLM_BASE_URL", DEFAULT_BASE_URL),
        r.string("LLM_API_KEY", ""),
        r.string("LLM_MODEL", ""),
        r.oneOf("LLM_API_FLAVOR", ApiFlavor.OPENAI, ApiFlavor.class),
        r.string("LLM_AZURE_DEPLOYMENT", ""),
        r.string("LLM_AZURE_API_VERSION", DEFAULT_AZURE_API_VERSION),
        r.headers("LLM_EXTRA_HEADERS"),
        r.seconds("LLM_TIMEOUT_SECONDS", Duration.ofSeconds(120)),
        (int) r.count("LLM_MAX_CONCURRENCY", 16, 1, 100_000),
        r.count("LLM_REQUESTS_PER_MINUTE", 0, 0, Long.MAX_VALUE),
        r.count("LLM_TOKENS_PER_MINUTE", 0, 0, Long.MAX_VALUE),
        (int) r.count("LLM_MAX_ATTEMPTS", 8, 1, 1000),
        Duration.ofMillis(r.count("LLM_RETRY_INITIAL_MS", 1000, 0, 3_600_000)),
        Duration.ofMillis(r.count("LLM_RETRY_MAX_MS", 30_000, 0, 3_600_000)),
        r.prices("LLM_PRICES"));
  }

  /** The URL a request of this kind is posted to. */
  public URI endpoint(EndpointKind kind) {
    String base = baseUrl.toString().replaceAll("/+$", "");
    if (flavor == ApiFlavor.AZURE) {
      return URI.create(
          base
              + "/openai/deployments/"
              + EnvReader.urlEncode(azureDeployment)
              + "/"
              + kind.path()
              + "?api-version="
              + EnvReader.urlEncode(azureApiVersion));
    }
    return URI.create(base + "/" + kind.path());
  }

  // Keys and header values (which may carry credentials) never reach logs.
  @Override
  public String toString() {
    return "LlmConfig[baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey.isEmpty() ? "<none>" : "<redacted>")
        + ", model="
        + model
        + ", flavor="
        + flavor
        + (flavor == ApiFlavor.AZURE
            ? ", azureDeployment=" + azureDeployment + ", azureApiVersion=" + azureApiVersion
            : "")
        + ", extraHeaders="
        + new TreeMap<>(extraHeaders).keySet()
        + " (values redacted), timeout="
        + timeout
        + ", maxConcurrency="
        + maxConcurrency
        + ", requestsPerMinute="
        + requestsPerMinute
        + ", tokensPerMinute="
        + tokensPerMinute
        + ", maxAttempts="
        + maxAttempts
        + ", retryInitialDelay="
        + retryInitialDelay
        + ", retryMaxDelay="
        + retryMaxDelay
        + ", prices="
        + new TreeMap<>(prices.prices())
        + "]";
  }
}
