package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The one client every explainer and simulator of a process shares: it owns the HTTP connections,
 * the concurrency limit, the rate budget, the retries, the response cache and the run's usage
 * totals. Calls return futures; nothing blocks a thread while a call waits.
 *
 * <p>Order of one call: cache lookup; then per attempt the rate budget, a concurrency permit, the
 * HTTP exchange (permit released as soon as it ends), and on a retryable failure a backoff wait
 * holding no permit; then the cache write and the accounting.
 */
public final class LlmClient implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(LlmClient.class.getName());

  private final LlmConfig config;
  private final ObjectMapper mapper;
  private final HttpTransport transport;
  private final AsyncSemaphore concurrency;
  private final RateLimiter rateLimiter;
  private final RetryPolicy retryPolicy;
  private final ResponseCache cache;
  private final UsageAccumulator usage;
  private final ExecutorService executor;
  private volatile boolean closed;

  private LlmClient(Builder b) {
    this.config = b.config;
    this.mapper = b.mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // Small pool for continuations after waits and for cache I/O, which may block on disk or
    // network; HTTP exchanges themselves use the JDK client's own threads.
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "llm-client-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    HttpClient http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                // HTTP/1.1: one pooled connection per in-flight call. With HTTP/2 the JDK client
                // multiplexes on one connection and fails calls above the server's stream limit.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout())
                .build();
    this.transport = new HttpTransport(config, http, mapper, b.clock);
    this.concurrency = new AsyncSemaphore(config.maxConcurrency());
    this.rateLimiter =
        new RateLimiter(config.requestsPerMinute(), config.tokensPerMinute(), b.nanoClock);
    this.retryPolicy =
        new RetryPolicy(
            config.maxAttempts(), config.retryInitialDelay(), config.retryMaxDelay(), b.random);
    this.cache = b.cacheStore == null ? null : new ResponseCache(b.cacheStore, mapper);
    this.usage = b.usage;
  }

  public static Builder builder(LlmConfig config) {
    return new Builder(config);
  }

  public LlmConfig config() {
    return config;
  }

  /**
   * The totals of every call this client made (the run's, unless the builder was given another).
   */
  public UsageAccumulator usage() {
    return usage;
  }

  /** Calls in flight and calls waiting for a permit, for metrics and tests. */
  public int inFlight() {
    return concurrency.inUse();
  }

  public CompletableFuture<LlmResponse> send(LlmRequest request) {
    return send(request, null);
  }

  /**
   * Sends one call. The future fails with {@link PermanentLlmException} only (retryable failures
   * are retried here until the attempts run out). The call's usage is added to this client's totals
   * and, when given, to {@code account} (e.g. the neuron's {@code client.usage().child()}), once to
   * each even when the account rolls up to the client's totals.
   */
  public CompletableFuture<LlmResponse> send(LlmRequest request, UsageAccumulator account) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the LLM client is closed"));
    }
    Prepared call;
    try {
      call = prepare(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<LlmResponse> result =
        cache != null && request.cacheMode() == CacheMode.READ_WRITE
            ? CompletableFuture.supplyAsync(() -> cache.get(call.hash), executor)
                .thenCompose(
                    hit -> hit.isPresent() ? completed(fromCache(call, hit.get())) : call(call))
            : call(call);
    return result.whenComplete(
        (response, error) -> {
          UsageTotals delta =
              response != null
                  ? UsageTotals.of(response)
                  : UsageTotals.failure(
                      error instanceof PermanentLlmException p ? p.attempts() : 0);
          if (account == null) {
            usage.add(delta);
          } else {
            account.add(delta);
            if (!account.rollsUpTo(usage)) {
              usage.add(delta);
            }
          }
        });
  }

  private record Prepared(
      LlmRequest request, String model, byte[] body, long estimatedTokens, String hash) {}

  private Prepared prepare(LlmRequest request) {
    ObjectNode body = request.bodyForClient().deepCopy();
    if (!body.path("model").isTextual() || body.path("model").textValue().isEmpty()) {
      if (config.model().isEmpty()) {
        throw new IllegalArgumentException(
            "no model: set LLM_MODEL or put \"model\" in the request body");
      }
      body.put("model", config.model());
    }
    String model = body.path("model").textValue();
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("request body cannot be written as JSON", e);
    }
    String hash = ResponseCache.hash(mapper, request.endpoint(), model, body);
    return new Prepared(request, model, bytes, TokenEstimator.estimate(body), hash);
  }

  private static <T> CompletableFuture<T> completed(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private LlmResponse fromCache(Prepared call, ObjectNode body) {
    return new LlmResponse(body, call.model, TokenUsage.NONE, 0, true, true, 0, call.hash);
  }

  private CompletableFuture<LlmResponse> call(Prepared call) {
    CompletableFuture<LlmResponse> result = new CompletableFuture<>();
    attempt(call, 1, result);
    return result;
  }

  private void attempt(Prepared call, int attempt, CompletableFuture<LlmResponse> result) {
    rateLimiter
        .acquire(call.estimatedTokens, executor)
        .thenCompose(ready -> concurrency.acquire())
        .thenCompose(permit -> exchange(call))
        .whenComplete(
            (outcome, error) -> {
              if (error != null) {
                // Only a bug in this class gets here: the transport reports failures in outcomes.
                result.completeExceptionally(error);
              } else if (outcome.succeeded()) {
                succeed(call, attempt, outcome, result);
              } else {
                fail(call, attempt, outcome.failure(), result);
              }
            });
  }

  private CompletableFuture<HttpTransport.Outcome> exchange(Prepared call) {
    CompletableFuture<HttpTransport.Outcome> sent;
    try {
      sent = transport.send(call.request.endpoint(), call.body);
    } catch (RuntimeException e) {
      concurrency.release();
      throw e;
    }
    return sent.whenComplete((outcome, error) -> concurrency.release());
  }

  private void succeed(
      Prepared call,
      int attempt,
      HttpTransport.Outcome outcome,
      CompletableFuture<LlmResponse> result) {
    ObjectNode body = outcome.json();
    TokenUsage tokens = TokenUsage.fromResponse(body);
    rateLimiter.settle(
        call.estimatedTokens,
        TokenUsage.present(body) ? tokens.totalTokens() : call.estimatedTokens);
    Optional<ModelPrice> price = config.prices().lookup(call.model);
    if (price.isEmpty()) {
      price = config.prices().lookup(body.path("model").asText(null));
    }
    LlmResponse response =
        new LlmResponse(
            body,
            call.model,
            tokens,
            price.map(p -> p.cost(tokens)).orElse(0.0),
            price.isPresent(),
            false,
            attempt,
            call.hash);
    if (cache == null || call.request.cacheMode() == CacheMode.OFF) {
      result.complete(response);
      return;
    }
    CompletableFuture.runAsync(() -> cache.put(call.hash, outcome.raw()), executor)
        .whenComplete((stored, error) -> result.complete(response));
  }

  private void fail(
      Prepared call, int attempt, LlmException failure, CompletableFuture<LlmResponse> result) {
    if (failure.status() != 0) {
      // The server answered with an error and did not spend the tokens we reserved.
      rateLimiter.settle(call.estimatedTokens, 0);
    }
    if (failure instanceof RetryableLlmException retryable) {
      if (attempt >= retryPolicy.maxAttempts()) {
        result.completeExceptionally(
            new PermanentLlmException(
                "gave up after " + attempt + " attempts; last: " + failure.getMessage(),
                failure.status(),
                failure.body(),
                attempt,
                true,
                failure));
        return;
      }
      if (failure.status() == 429) {
        retryable.retryAfter().ifPresent(rateLimiter::pauseFor);
      }
      Duration delay = retryPolicy.delayAfter(attempt, retryable.retryAfter());
      LOG.log(
          System.Logger.Level.DEBUG,
          "attempt {0} failed, retrying in {1} ms: {2}",
          attempt,
          delay.toMillis(),
          failure.getMessage());
      CompletableFuture.runAsync(
              () -> attempt(call, attempt + 1, result),
              CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, executor))
          .exceptionally(
              rejected -> {
                // The executor refused the retry: the client was closed meanwhile.
                result.completeExceptionally(
                    new PermanentLlmException(
                        "the LLM client was closed before a retry; last: " + failure.getMessage(),
                        failure.status(),
                        failure.body(),
                        attempt,
                        false,
                        failure));
                return null;
              });
      return;
    }
    result.completeExceptionally(
        new PermanentLlmException(
            failure.getMessage(),
            failure.status(),
            failure.body(),
            attempt,
            false,
            failure.getCause()));
  }

  /** Stops new calls; calls waiting for a retry fail, calls in flight finish. */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
  }

  /** Wires a client; only the configuration is required. */
  public static final class Builder {
    private final LlmConfig config;
    private BlobStore cacheStore;
    private UsageAccumulator usage = new UsageAccumulator();
    private ObjectMapper mapper = new ObjectMapper();
    private HttpClient httpClient;
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoClock = System::nanoTime;
    private DoubleSupplier random = Math::random;

    private Builder(LlmConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Where responses are cached ({@code llm-cache/...} under the store's root); none: no cache.
     */
    public Builder cache(BlobStore store) {
      this.cacheStore = store;
      return this;
    }

    /** The accumulator that receives every call's usage (default: a fresh one). */
    public Builder usage(UsageAccumulator accumulator) {
      this.usage = Objects.requireNonNull(accumulator);
      return this;
    }

    public Builder mapper(ObjectMapper objectMapper) {
      this.mapper = Objects.requireNonNull(objectMapper);
      return this;
    }

    /** A preconfigured JDK client (proxy, TLS); by default one is built from the configuration. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = client;
      return this;
    }

    /** For tests: the wall clock (HTTP-date Retry-After), the monotonic clock and the jitter. */
    Builder clocks(Clock wall, LongSupplier nanos, DoubleSupplier jitter) {
      this.clock = wall;
      this.nanoClock = nanos;
      this.random = jitter;
      return this;
    }

    public LlmClient build() {
      return new LlmClient(this);
    }
  }
}
