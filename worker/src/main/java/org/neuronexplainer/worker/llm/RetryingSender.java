package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Sends one request body until it succeeds or must stop: per attempt the rate budget, a concurrency
 * permit, the HTTP exchange (the permit is released as soon as it ends), then on a retryable
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

  RetryingSender(
      HttpTransport transport,
      AsyncSemaphore concurrency,
      RateLimiter rateLimiter,
      RetryPolicy retryPolicy,
      Executor executor) {
    this.transport = transport;
    this.concurrency = concurrency;
    this.rateLimiter = rateLimiter;
    this.retryPolicy = retryPolicy;
    this.executor = executor;
  }

  /** Completes with the first success, or fails with a {@link PermanentLlmException}. */
  CompletableFuture<Sent> send(EndpointKind endpoint, byte[] body, long estimatedTokens) {
    CompletableFuture<Sent> result = new CompletableFuture<>();
    attempt(new Call(endpoint, body, estimatedTokens, result), 1);
    return result;
  }

  private record Call(
      EndpointKind endpoint, byte[] body, long estimatedTokens, CompletableFuture<Sent> result) {}

  private void attempt(Call call, int attempt) {
    rateLimiter
        .acquire(call.estimatedTokens, executor)
        .thenCompose(ready -> concurrency.acquire())
        // A released permit completes the next waiter on the releasing thread; starting the
        // exchange on the pool keeps a run of instant failures from nesting one call in another.
        .thenComposeAsync(permit -> exchange(call), executor)
        .whenComplete(
            (outcome, error) -> {
              if (error != null) {
                // Only a bug gets here: the transport reports failures in outcomes.
                call.result.completeExceptionally(error);
              } else if (outcome.succeeded()) {
                TokenUsage tokens = TokenUsage.fromResponse(outcome.json());
                rateLimiter.settle(
                    call.estimatedTokens,
                    TokenUsage.present(outcome.json())
                        ? tokens.totalTokens()
                        : call.estimatedTokens);
                call.result.complete(new Sent(outcome.json(), outcome.raw(), attempt));
              } else {
                fail(call, attempt, outcome.failure());
              }
            });
  }

  private CompletableFuture<HttpTransport.Outcome> exchange(Call call) {
    CompletableFuture<HttpTransport.Outcome> sent;
    try {
      sent = transport.send(call.endpoint, call.body);
    } catch (RuntimeException e) {
      concurrency.release();
      throw e;
    }
    return sent.whenComplete((outcome, error) -> concurrency.release());
  }

  private void fail(Call call, int attempt, LlmException failure) {
    if (failure.status() != 0) {
      // The server answered with an error and did not spend the tokens we reserved.
      rateLimiter.settle(call.estimatedTokens, 0);
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
    if (failure.status() == 429) {
      // Every call shares the provider's window: hold them all back, not just this one.
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
