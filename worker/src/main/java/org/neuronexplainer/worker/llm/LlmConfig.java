package org.neuronexplainer.worker.llm;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.neuronexplainer.common.config.Env;

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
 * @param tokenizer how prompt tokens are counted; {@link Tokenizer#AUTO} follows the model
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
    PriceTable prices,
    Tokenizer tokenizer) {

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
    tokenizer = tokenizer == null ? Tokenizer.AUTO : tokenizer;
    if (flavor == ApiFlavor.AZURE && azureDeployment.isEmpty()) {
      throw new IllegalArgumentException(
          "LLM_API_FLAVOR=azure needs LLM_AZURE_DEPLOYMENT or LLM_MODEL to name the deployment");
    }
    if (flavor == ApiFlavor.AZURE && apiKey.isEmpty()) {
      throw new IllegalArgumentException("LLM_API_FLAVOR=azure needs LLM_API_KEY");
    }
  }

  /** Reads the {@code LLM_*} variables; a bad value throws an exception naming it and its value. */
  public static LlmConfig fromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    return new LlmConfig(
        env.parsed("LLM_BASE_URL", URI.create(DEFAULT_BASE_URL), LlmConfig::baseUrl),
        env.string("LLM_API_KEY", ""),
        env.string("LLM_MODEL", ""),
        env.oneOf("LLM_API_FLAVOR", ApiFlavor.OPENAI, ApiFlavor.class),
        env.string("LLM_AZURE_DEPLOYMENT", ""),
        env.string("LLM_AZURE_API_VERSION", DEFAULT_AZURE_API_VERSION),
        headers(env, "LLM_EXTRA_HEADERS"),
        env.seconds("LLM_TIMEOUT_SECONDS", Duration.ofSeconds(120), 86_400),
        env.integer("LLM_MAX_CONCURRENCY", 16, 1, 100_000),
        env.whole("LLM_REQUESTS_PER_MINUTE", 0, 0, Long.MAX_VALUE),
        env.whole("LLM_TOKENS_PER_MINUTE", 0, 0, Long.MAX_VALUE),
        env.integer("LLM_MAX_ATTEMPTS", 8, 1, 1000),
        Duration.ofMillis(env.whole("LLM_RETRY_INITIAL_MS", 1000, 0, 3_600_000)),
        Duration.ofMillis(env.whole("LLM_RETRY_MAX_MS", 30_000, 0, 3_600_000)),
        env.parsed("LLM_PRICES", PriceTable.EMPTY, LlmConfig::prices),
        env.parsed("LLM_TOKENIZER", Tokenizer.AUTO, Tokenizer::fromConfigName));
  }

  /** The tokenizer that counts prompts for {@code model}: the configured one, or the model's. */
  public Tokenizer tokenizerFor(String model) {
    return tokenizer.resolve(model);
  }

  private static URI baseUrl(String text) {
    URI uri = Env.parsedHttpUrl(text);
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "an http(s) URL without a query or fragment, such as " + DEFAULT_BASE_URL);
    }
    return uri;
  }

  private static PriceTable prices(String text) {
    try {
      return PriceTable.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model=prompt:completion[:cachedPrompt] entries of non-negative numbers ("
              + e.getMessage()
              + ")");
    }
  }

  /** {@code Name=value,Name2=value2}; names and values are checked against the HTTP client. */
  private static Map<String, String> headers(Env env, String name) {
    Map<String, String> headers = new LinkedHashMap<>();
    String value = env.string(name, "");
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String header = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (header.isEmpty()) {
        throw Env.invalid(name, redact(value), "Name=value pairs separated by ','");
      }
      String headerValue = entry.substring(eq + 1).trim();
      try {
        // The JDK client refuses restricted headers (Host, Connection, ...): fail at start, not
        // on the first call.
        HttpRequest.newBuilder(URI.create("http://localhost/")).header(header, headerValue);
      } catch (IllegalArgumentException e) {
        throw Env.invalid(
            name,
            redact(value),
            "headers the HTTP client may set; '" + header + "' cannot be: " + e.getMessage());
      }
      headers.put(header, headerValue);
    }
    return headers;
  }

  // Header values may be credentials: show only the names in errors.
  private static String redact(String headerSpec) {
    return headerSpec.replaceAll("=[^,]*", "=<redacted>");
  }

  private static String urlEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The URL a request of this kind is posted to. */
  public URI endpoint(EndpointKind kind) {
    String base = baseUrl.toString().replaceAll("/+$", "");
    if (flavor == ApiFlavor.AZURE) {
      return URI.create(
          base
              + "/openai/deployments/"
              + urlEncode(azureDeployment)
              + "/"
              + kind.path()
              + "?api-version="
              + urlEncode(azureApiVersion));
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
        + ", tokenizer="
        + tokenizer.configName()
        + "]";
  }
}
