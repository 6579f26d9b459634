package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one request body until it succeeds or must stop: per attempt a concurrency permit, the rate
 * budget, the HTTP exchange (the permit is released as soon as it ends), then on a retryable
 * failure a backoff wait that holds no permit.
 */
final class RetryingSender {

  private static final System.Logger LOG = System.getLogger(RetryingSender.class.getName());

  /** A success: the parsed body, its bytes as received, the attempts it took. */
  record Sent(ObjectNode json, byte[] raw, int attempts) {}

  private final HttpTransport transport;
  private final AsyncSemaphore concurrency;
  private final RateLimiter rateLimiter;
  private final RetryPolicy retryPolicy;
  private final Executor executor;
  private final LlmRetryListener retryListener;
  private final AtomicLong calls = new AtomicLong();

  RetryingSender(
      HttpTransport transport,
      AsyncSemaphore concurrency,
      RateLimiter rateLimiter,
      RetryPolicy retryPolicy,
      Executor executor,
      LlmRetryListener retryListener) {
    this.transport = transport;
    this.concurrency = concurrency;
    this.rateLimiter = rateLimiter;
    this.retryPolicy = retryPolicy;
    this.executor = executor;
    this.retryListener = retryListener;
  }

  /** Completes with the first success, or fails with a {@link PermanentLlmException}. */
  CompletableFuture<Sent> send(EndpointKind endpoint, byte[] body, long estimatedTokens) {
    CompletableFuture<Sent> result = new CompletableFuture<>();
    Call call =
        new Call(
            calls.incrementAndGet(), endpoint, body, estimatedTokens, System.nanoTime(), result);
    attempt(call, 1);
    return result.whenComplete(
        (sent, error) -> {
          if (call.retried) {
            tell(() -> retryListener.settled(call.id));
          }
        });
  }

  private static final class Call {
    final long id;
    final EndpointKind endpoint;
    final byte[] body;
    final long estimatedTokens;
    final long started;
    final CompletableFuture<Sent> result;
    volatile boolean retried;

    Call(
        long id,
        EndpointKind endpoint,
        byte[] body,
        long estimatedTokens,
        long started,
        CompletableFuture<Sent> result) {
      this.id = id;
      this.endpoint = endpoint;
      this.body = body;
      this.estimatedTokens = estimatedTokens;
      this.started = started;
      this.result = result;
    }
  }

  private static void tell(Runnable notice) {
    try {
      notice.run();
    } catch (RuntimeException ignored) {
      // A progress notice must never fail a call (see LlmRetryListener).
    }
  }

  private void attempt(Call call, int attempt) {
    concurrency
        .acquire()
        .thenCompose(
            permit ->
                // The budget is taken with the permit held, just before sending, so the pacing
                // is the pacing of real sends and a pause after a 429 holds back every call not
                // yet sent.
                rateLimiter
                    .acquire(call.estimatedTokens, executor)
                    // A released permit completes the next waiter on the releasing thread;
                    // starting the exchange on the pool keeps a run of instant failures from
                    // nesting one call in another.
                    .thenComposeAsync(ready -> transport.send(call.endpoint, call.body), executor)
                    .whenComplete(
                        (outcome, error) -> {
                          if (outcome != null) {
                            settleBudget(call, outcome);
                          }
                          concurrency.release();
                        }))
        .whenComplete(
            (outcome, error) -> {
              if (error != null) {
                // Only a closed client gets here: the transport reports failures in outcomes.
                call.result.completeExceptionally(error);
              } else if (outcome.succeeded()) {
                call.result.complete(new Sent(outcome.json(), outcome.raw(), attempt));
              } else {
                fail(call, attempt, outcome.failure());
              }
            });
  }

  /** Runs before the permit is handed on, so the next call sees the corrected budget. */
  private void settleBudget(Call call, HttpTransport.Outcome outcome) {
    if (outcome.succeeded()) {
      TokenUsage tokens = TokenUsage.fromResponse(outcome.json());
      boolean reported = TokenUsage.present(outcome.json());
      rateLimiter.settle(
          call.estimatedTokens, reported ? tokens.totalTokens() : call.estimatedTokens);
      return;
    }
    LlmException failure = outcome.failure();
    if (failure.status() != 0 && failure.status() != 429) {
      // The server answered with an error and did not spend the tokens we reserved.
      rateLimiter.settle(call.estimatedTokens, 0);
    }
    // A 429's tokens stay spent although the provider did not count them: it says the client is
    // pacing at the provider's edge, and giving them back would keep it there, every small
    // difference between the two clocks another 429. Kept, they leave the provider that slack.
    // The request is kept for the same reason, and because providers count refused requests.
    if (failure.status() == 429 && failure instanceof RetryableLlmException retryable) {
      // Every call shares the provider's window: hold them all back, not just this one.
      retryable.retryAfter().ifPresent(rateLimiter::pauseFor);
    }
  }

  private void fail(Call call, int attempt, LlmException failure) {
    if (failure instanceof PermanentLlmException answer && answer.unparseable()) {
      call.result.completeExceptionally(
          PermanentLlmException.unparseableAnswer(
              answer.getMessage(), answer.status(), answer.body(), attempt));
      return;
    }
    if (!(failure instanceof RetryableLlmException retryable)) {
      call.result.completeExceptionally(
          new PermanentLlmException(
              failure.getMessage(),
              failure.status(),
              failure.body(),
              attempt,
              false,
              failure.getCause()));
      return;
    }
    if (attempt >= retryPolicy.maxAttempts()) {
      call.result.completeExceptionally(
          new PermanentLlmException(
              "gave up after " + attempt + " attempts; last: " + failure.getMessage(),
              failure.status(),
              failure.body(),
              attempt,
              true,
              failure));
      return;
    }
    Duration delay = retryPolicy.delayAfter(attempt, retryable.retryAfter());
    LOG.log(
        System.Logger.Level.DEBUG,
        "attempt {0} failed, retrying in {1} ms: {2}",
        attempt,
        delay.toMillis(),
        failure.getMessage());
    call.retried = true;
    LlmRetryListener.Retry notice =
        new LlmRetryListener.Retry(
            call.id,
            transport.uri(call.endpoint).toString(),
            failure.reason(),
            failure.status(),
            attempt,
            retryPolicy.maxAttempts(),
            Duration.ofNanos(System.nanoTime() - call.started),
            delay);
    tell(() -> retryListener.retrying(notice));
    CompletableFuture.runAsync(
            () -> attempt(call, attempt + 1),
            CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, executor))
        .exceptionally(
            rejected -> {
              // The executor refused the retry: the client was closed meanwhile.
              call.result.completeExceptionally(
                  new PermanentLlmException(
                      "the LLM client was closed before a retry; last: " + failure.getMessage(),
                      failure.status(),
                      failure.body(),
                      attempt,
                      false,
                      failure));
              return null;
            });
  }
}
