package org.neuronexplainer.worker.llm;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
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
 * @param simulator the simulator's own endpoint ({@code LLM_SIMULATOR_*}), or null when the
 *     simulator calls this one; see {@link #simulatorEndpoint()}
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
    Tokenizer tokenizer,
    LlmConfig simulator) {

  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  // The current GA data-plane version of Azure OpenAI at the time of writing.
  public static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

  /** The prefix of the explainer's (and, unless it has its own, the simulator's) variables. */
  public static final String PREFIX = "LLM_";

  /** The prefix of the simulator endpoint's own variables. */
  public static final String SIMULATOR_PREFIX = "LLM_SIMULATOR_";

  // How a call is made, not where it goes: the simulator's endpoint inherits these unless it sets
  // its own.
  private static final List<String> CALL_SETTINGS =
      List.of(
          "TIMEOUT_SECONDS",
          "MAX_CONCURRENCY",
          "MAX_ATTEMPTS",
          "RETRY_INITIAL_MS",
          "RETRY_MAX_MS",
          "PRICES",
          "TOKENIZER");

  // Where a call goes and what it may present there: inherited only by a simulator that calls the
  // explainer's base URL (a key for one host is never sent to another).
  private static final List<String> ENDPOINT_SETTINGS =
      List.of(
          "BASE_URL",
          "API_KEY",
          "API_FLAVOR",
          "AZURE_DEPLOYMENT",
          "AZURE_API_VERSION",
          "EXTRA_HEADERS",
          "REQUESTS_PER_MINUTE",
          "TOKENS_PER_MINUTE");

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
    if (simulator != null && simulator.simulator != null) {
      throw new IllegalArgumentException(
          "a simulator endpoint has no simulator endpoint of its own");
    }
  }

  /** One endpoint for explanations and simulations: the shape of every config before the split. */
  public LlmConfig(
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
    this(
        baseUrl,
        apiKey,
        model,
        flavor,
        azureDeployment,
        azureApiVersion,
        extraHeaders,
        timeout,
        maxConcurrency,
        requestsPerMinute,
        tokensPerMinute,
        maxAttempts,
        retryInitialDelay,
        retryMaxDelay,
        prices,
        tokenizer,
        null);
  }

  /** The endpoint simulation calls go to: the simulator's own, else this one. */
  public LlmConfig simulatorEndpoint() {
    return simulator == null ? this : simulator;
  }

  /** Whether the simulator has an endpoint (or a model) of its own, and so a client of its own. */
  public boolean splitSimulator() {
    return simulator != null;
  }

  /** This endpoint alone, without a simulator endpoint of its own. */
  public LlmConfig withoutSimulator() {
    return simulator == null ? this : withSimulator(null);
  }

  private LlmConfig withSimulator(LlmConfig endpoint) {
    return new LlmConfig(
        baseUrl,
        apiKey,
        model,
        flavor,
        azureDeployment,
        azureApiVersion,
        extraHeaders,
        timeout,
        maxConcurrency,
        requestsPerMinute,
        tokensPerMinute,
        maxAttempts,
        retryInitialDelay,
        retryMaxDelay,
        prices,
        tokenizer,
        endpoint);
  }

  /** Every {@code LLM_*} variable of the explainer's endpoint that {@link #fromEnv} reads. */
  public static final List<String> VARIABLES = variables(PREFIX);

  /** Every {@code LLM_SIMULATOR_*} variable {@link #fromEnv} reads. */
  public static final List<String> SIMULATOR_VARIABLES = variables(SIMULATOR_PREFIX);

  private static List<String> variables(String prefix) {
    return Stream.of(List.of("MODEL"), CALL_SETTINGS, ENDPOINT_SETTINGS)
        .flatMap(List::stream)
        .map(setting -> prefix + setting)
        .toList();
  }

  /**
   * Reads the {@code LLM_*} variables, and the {@code LLM_SIMULATOR_*} ones of a simulator endpoint
   * of its own; a bad value throws an exception naming it and its value.
   */
  public static LlmConfig fromEnv(Map<String, String> vars) {
    LlmConfig explainer = read(vars, PREFIX);
    return explainer.withSimulator(simulatorFromEnv(vars));
  }

  /**
   * The simulator's own endpoint, or null when neither {@code LLM_SIMULATOR_BASE_URL} nor {@code
   * LLM_SIMULATOR_MODEL} is set. Every {@code LLM_SIMULATOR_X} not set falls back to {@code LLM_X}
   * where that is safe: how calls are made (timeout, concurrency, attempts, retry delays, prices,
   * tokenizer) always, where they go and what they present (key, flavor, Azure settings, headers,
   * rate limits) only when the simulator calls the explainer's base URL.
   */
  private static LlmConfig simulatorFromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    boolean ownUrl = env.find(SIMULATOR_PREFIX + "BASE_URL").isPresent();
    boolean ownModel = env.find(SIMULATOR_PREFIX + "MODEL").isPresent();
    if (!ownUrl && !ownModel) {
      for (String name : new TreeMap<>(vars).keySet()) {
        if (name.startsWith(SIMULATOR_PREFIX) && env.find(name).isPresent()) {
          throw new IllegalArgumentException(
              name
                  + " is set, but neither "
                  + SIMULATOR_PREFIX
                  + "BASE_URL nor "
                  + SIMULATOR_PREFIX
                  + "MODEL: the simulator has an endpoint of its own only when one of them is set");
        }
      }
      return null;
    }
    if (ownUrl && !ownModel) {
      throw Env.missing(
          SIMULATOR_PREFIX + "MODEL",
          "the model that "
              + SIMULATOR_PREFIX
              + "BASE_URL serves, since the simulator has an endpoint of its own");
    }
    Map<String, String> merged = new HashMap<>(vars);
    inherit(merged, env, CALL_SETTINGS);
    if (!ownUrl) {
      inherit(merged, env, ENDPOINT_SETTINGS);
    }
    return read(merged, SIMULATOR_PREFIX);
  }

  private static void inherit(Map<String, String> merged, Env env, List<String> settings) {
    for (String setting : settings) {
      if (env.find(SIMULATOR_PREFIX + setting).isEmpty()) {
        env.find(PREFIX + setting)
            .ifPresent(value -> merged.put(SIMULATOR_PREFIX + setting, value));
      }
    }
  }

  /** One endpoint from the variables named {@code prefix + setting}. */
  private static LlmConfig read(Map<String, String> vars, String prefix) {
    Env env = new Env(vars);
    ApiFlavor flavor = env.oneOf(prefix + "API_FLAVOR", ApiFlavor.OPENAI, ApiFlavor.class);
    String apiKey = env.string(prefix + "API_KEY", "");
    String model = env.string(prefix + "MODEL", "");
    String deployment = env.string(prefix + "AZURE_DEPLOYMENT", "");
    // Checked here as well as in the constructor, to name this endpoint's variables.
    if (flavor == ApiFlavor.AZURE && deployment.isEmpty() && model.isEmpty()) {
      throw new IllegalArgumentException(
          prefix
              + "API_FLAVOR=azure needs "
              + prefix
              + "AZURE_DEPLOYMENT or "
              + prefix
              + "MODEL to name the deployment");
    }
    if (flavor == ApiFlavor.AZURE && apiKey.isEmpty()) {
      throw new IllegalArgumentException(prefix + "API_FLAVOR=azure needs " + prefix + "API_KEY");
    }
    return new LlmConfig(
        env.parsed(prefix + "BASE_URL", URI.create(DEFAULT_BASE_URL), LlmConfig::baseUrl),
        apiKey,
        model,
        flavor,
        deployment,
        env.string(prefix + "AZURE_API_VERSION", DEFAULT_AZURE_API_VERSION),
        headers(env, prefix + "EXTRA_HEADERS"),
        env.seconds(prefix + "TIMEOUT_SECONDS", Duration.ofSeconds(120), 86_400),
        env.integer(prefix + "MAX_CONCURRENCY", 16, 1, 100_000),
        env.whole(prefix + "REQUESTS_PER_MINUTE", 0, 0, Long.MAX_VALUE),
        env.whole(prefix + "TOKENS_PER_MINUTE", 0, 0, Long.MAX_VALUE),
        env.integer(prefix + "MAX_ATTEMPTS", 8, 1, 1000),
        Duration.ofMillis(env.whole(prefix + "RETRY_INITIAL_MS", 1000, 0, 3_600_000)),
        Duration.ofMillis(env.whole(prefix + "RETRY_MAX_MS", 30_000, 0, 3_600_000)),
        env.parsed(prefix + "PRICES", PriceTable.EMPTY, LlmConfig::prices),
        env.parsed(prefix + "TOKENIZER", Tokenizer.AUTO, Tokenizer::fromConfigName));
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
        + (simulator == null ? "" : ", simulator=" + simulator)
        + "]";
  }
}
