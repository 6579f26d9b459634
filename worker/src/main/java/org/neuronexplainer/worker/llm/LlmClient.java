package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The one client every explainer and simulator of a process shares: it owns the HTTP connections,
 * the concurrency limit, the rate budget, the retries, the response cache and the run's usage
 * totals. Calls return futures; nothing blocks a thread while a call waits.
 *
 * <p>Order of one call: the cache lookup; the attempts ({@link RetryingSender}); the price and the
 * cache write; the accounting.
 */
public final class LlmClient implements AutoCloseable {

  private final LlmConfig config;
  private final ObjectMapper mapper;
  private final AsyncSemaphore concurrency;
  private final RetryingSender sender;
  private final ResponseCache cache;
  private final BatchStore batches;
  private final UsageAccumulator usage;
  private final LlmCallListener listener;
  private final ExecutorService executor;
  private final ExecutorService storage;
  private final ScheduledExecutorService timers;
  private volatile boolean closed;

  private LlmClient(Builder b) {
    this.config = b.config;
    // Servers written in Python may send a logprob of -inf as the bare literal -Infinity, as
    // Python's json module writes it; a digit at -inf is a prediction of probability 0.
    this.mapper =
        b.mapper
            .copy()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
    // Two small pools: one that starts exchanges and resumes calls after waits, which never
    // blocks, and one for cache reads and writes, which may block on disk or network. The HTTP
    // I/O itself runs on the JDK client's threads.
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory daemons =
        r -> {
          Thread t = new Thread(r, "llm-client-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.executor = Executors.newFixedThreadPool(2, daemons);
    this.storage = Executors.newFixedThreadPool(4, daemons);
    // Timeout timers: one per exchange, removed as soon as the exchange ends, so a completed
    // response is not kept reachable for the rest of the timeout.
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemons);
    timers.setRemoveOnCancelPolicy(true);
    this.timers = timers;
    HttpClient http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                // HTTP/1.1: one pooled connection per call in flight, which every compatible
                // server supports; HTTP/2 would put every call on one connection, bounded by the
                // server's concurrent-stream limit rather than by LLM_MAX_CONCURRENCY.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout())
                .build();
    this.concurrency = new AsyncSemaphore(config.maxConcurrency());
    this.sender =
        new RetryingSender(
            new HttpTransport(config, http, mapper, Clock.systemUTC(), timers),
            concurrency,
            new RateLimiter(config.requestsPerMinute(), config.tokensPerMinute(), System::nanoTime),
            RetryPolicy.from(config),
            executor,
            b.retryListener);
    this.cache = b.cacheStore == null ? null : new ResponseCache(b.cacheStore, mapper);
    this.batches = b.cacheStore == null ? null : new BatchStore(b.cacheStore, mapper);
    this.usage = b.usage;
    this.listener = b.listener;
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

  /** Calls holding a concurrency permit (sending, or about to), for metrics and tests. */
  public int inFlight() {
    return concurrency.inUse();
  }

  public CompletableFuture<LlmResponse> send(LlmRequest request) {
    return send(request, null);
  }

  /**
   * Sends one call. The future fails with {@link PermanentLlmException} when the call cannot
   * succeed (retryable failures are retried here until the attempts run out), with
   * IllegalArgumentException for a body the client cannot send (no model, {@code stream}) and with
   * IllegalStateException once the client is closed. The call's usage is added to this client's
   * totals and, when given, to {@code account} (e.g. the neuron's {@code client.usage().child()}),
   * once to each even when the account rolls up to the client's totals.
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
    long started = System.nanoTime();
    CompletableFuture<LlmResponse> result =
        cache != null && request.cacheMode() == CacheMode.READ_WRITE
            ? CompletableFuture.supplyAsync(() -> cache.get(call.hash), storage)
                .thenCompose(
                    hit -> hit.isPresent() ? completed(fromCache(call, hit.get())) : call(call))
            : call(call);
    return account(call, started, result, account);
  }

  private CompletableFuture<LlmResponse> account(
      Prepared call,
      long started,
      CompletableFuture<LlmResponse> result,
      UsageAccumulator account) {
    return result.whenComplete(
        (response, error) -> {
          if (unwrap(error) instanceof BatchPendingException) {
            return; // parked: nothing was sent, nothing failed
          }
          UsageTotals delta =
              response != null
                  ? UsageTotals.of(response)
                  : UsageTotals.failure(
                      unwrap(error) instanceof PermanentLlmException p ? p.attempts() : 0);
          if (account == null) {
            usage.add(delta);
          } else {
            account.add(delta);
            if (!account.rollsUpTo(usage)) {
              usage.add(delta);
            }
          }
          tell(call, started, response, error);
        });
  }

  /**
   * Sends one call of a batch run: answered from the response cache when the batcher (or anything
   * before it) put the answer there, and otherwise parked in the store for the batcher, the future
   * failing with {@link BatchPendingException}. An answer a batch brought is counted once at the
   * model's batch prices, by the caller it was answered for, until its job {@link #forgetCounted
   * forgets} it; a call the batch rejected fails with {@link PermanentLlmException} and the
   * provider's reason.
   */
  public CompletableFuture<LlmResponse> sendBatched(
      LlmRequest request, UsageAccumulator account, BatchCaller caller) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the LLM client is closed"));
    }
    if (batches == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("batch-priced calls need the response cache"));
    }
    Prepared call;
    try {
      call = prepare(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long started = System.nanoTime();
    return account(
        call,
        started,
        CompletableFuture.supplyAsync(() -> answerOrPark(call, caller), storage),
        account);
  }

  private LlmResponse answerOrPark(Prepared call, BatchCaller caller) {
    Optional<ObjectNode> hit = cache.get(call.hash);
    if (hit.isPresent()) {
      Optional<BatchStore.Answer> answer = batches.answer(call.hash);
      // The neuron the batch answered for counts the cost; any other has a cache hit.
      if (answer.isEmpty()
          || !answer.get().runId().equals(caller.runId())
          || !answer.get().neuron().equals(caller.neuron())
          || !caller.count(call.hash)) {
        return fromCache(call, hit.get());
      }
      ObjectNode body = hit.get();
      TokenUsage tokens = TokenUsage.fromResponse(body);
      Optional<ModelPrice> price = price(call, body);
      return new LlmResponse(
          body,
          call.model,
          tokens,
          price.map(p -> p.batchCost(tokens.promptTokens(), tokens.completionTokens())).orElse(0.0),
          price.isPresent(),
          false,
          0,
          call.hash);
    }
    Optional<BatchStore.Failure> failure =
        batches.failure(call.hash, caller.runId(), caller.neuron());
    if (failure.isPresent()) {
      batches.forgetFailure(failure.get());
      throw new PermanentLlmException(
          "the batch rejected the request: " + failure.get().reason(), 0, "", 0, false, null);
    }
    batches.park(
        new BatchRequest(
            call.hash,
            call.request.endpoint().path(),
            call.json,
            caller.runId(),
            caller.neuron(),
            0,
            System.currentTimeMillis()));
    throw new BatchPendingException(call.hash, caller.neuron());
  }

  /**
   * Forgets that the batch answers {@code caller} counted are uncounted: called once the job's
   * results (and so its cost) are written. Blocks on the store.
   */
  public void forgetCounted(BatchCaller caller) {
    if (batches != null) {
      for (String key : caller.counted()) {
        batches.forgetAnswer(key);
      }
    }
  }

  private void tell(Prepared call, long started, LlmResponse response, Throwable error) {
    LlmCallListener.Outcome outcome;
    if (response != null) {
      outcome =
          response.fromCache() ? LlmCallListener.Outcome.CACHED : LlmCallListener.Outcome.SUCCESS;
    } else {
      outcome =
          unwrap(error) instanceof LlmException e && e.status() == 429
              ? LlmCallListener.Outcome.RATE_LIMITED
              : LlmCallListener.Outcome.ERROR;
    }
    try {
      listener.called(
          call.model,
          call.request.endpoint(),
          outcome,
          Duration.ofNanos(System.nanoTime() - started),
          response == null ? TokenUsage.NONE : response.usage(),
          response == null ? 0 : response.costUsd());
    } catch (RuntimeException ignored) {
      // Metrics must never fail a call (see LlmCallListener).
    }
  }

  /**
   * Removes the cached response to {@code request}, if any: for a caller that could not use it (it
   * did not parse), so that no later call is served it again. Completes with whether an entry was
   * removed; false when the client has no cache.
   */
  public CompletableFuture<Boolean> forget(LlmRequest request) {
    if (cache == null) {
      return completed(false);
    }
    try {
      Prepared call = prepare(request);
      return CompletableFuture.supplyAsync(() -> cache.delete(call.hash), storage);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private record Prepared(
      LlmRequest request,
      String model,
      ObjectNode json,
      byte[] body,
      long estimatedTokens,
      String hash) {}

  private Prepared prepare(LlmRequest request) {
    ObjectNode body = request.bodyForClient().deepCopy();
    if (body.path("stream").asBoolean(false)) {
      // A streamed answer is a series of events, not the one JSON object this client parses.
      throw new IllegalArgumentException("\"stream\": true is not supported; leave it unset");
    }
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
    String hash = ResponseCache.hash(mapper, config.endpoint(request.endpoint()), model, body);
    return new Prepared(
        request, model, body, bytes, config.tokenizerFor(model).budgetTokens(body), hash);
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private static <T> CompletableFuture<T> completed(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private LlmResponse fromCache(Prepared call, ObjectNode body) {
    return new LlmResponse(body, call.model, TokenUsage.NONE, 0, true, true, 0, call.hash);
  }

  private CompletableFuture<LlmResponse> call(Prepared call) {
    return sender
        .send(call.request.endpoint(), call.body, call.estimatedTokens)
        .thenCompose(sent -> priceAndStore(call, sent));
  }

  private CompletableFuture<LlmResponse> priceAndStore(Prepared call, RetryingSender.Sent sent) {
    ObjectNode body = sent.json();
    TokenUsage tokens = TokenUsage.fromResponse(body);
    Optional<ModelPrice> price = price(call, body);
    LlmResponse response =
        new LlmResponse(
            body,
            call.model,
            tokens,
            price.map(p -> p.cost(tokens)).orElse(0.0),
            price.isPresent(),
            false,
            sent.attempts(),
            call.hash);
    if (cache == null || call.request.cacheMode() == CacheMode.OFF) {
      return completed(response);
    }
    // Waits for the write, so a caller that sees the response also finds it cached.
    try {
      return CompletableFuture.runAsync(() -> cache.put(call.hash, sent.raw()), storage)
          .handle((stored, error) -> response);
    } catch (RejectedExecutionException closedMeanwhile) {
      return completed(response);
    }
  }

  /** The requested model's price first; the served one (often a dated variant) when it has none. */
  private Optional<ModelPrice> price(Prepared call, ObjectNode body) {
    Optional<ModelPrice> price = config.prices().lookup(call.model);
    return price.isPresent() ? price : config.prices().lookup(body.path("model").asText(null));
  }

  /** Stops new calls; calls waiting for a retry fail, calls in flight finish. */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    storage.shutdown();
    timers.shutdown();
  }

  /** Wires a client; only the configuration is required. */
  public static final class Builder {
    private final LlmConfig config;
    private BlobStore cacheStore;
    private UsageAccumulator usage = new UsageAccumulator();
    private ObjectMapper mapper = new ObjectMapper();
    private HttpClient httpClient;
    private LlmCallListener listener = LlmCallListener.NONE;
    private LlmRetryListener retryListener = LlmRetryListener.NONE;

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

    /** Told about every finished call (default: nobody), e.g. the worker's LLM meters. */
    public Builder listener(LlmCallListener callListener) {
      this.listener = Objects.requireNonNull(callListener);
      return this;
    }

    /** Told when a call waits to try again (default: nobody), e.g. to print progress. */
    public Builder retryListener(LlmRetryListener listener) {
      this.retryListener = Objects.requireNonNull(listener);
      return this;
    }

    public LlmClient build() {
      return new LlmClient(this);
    }
  }
}
