package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Sends a group of requests and parses their responses together, asking again when they do not
 * parse. A response that did not parse is discarded from the transport's cache, and the retry is
 * sent with {@link CacheMode#REFRESH}: the same body would otherwise be answered by the same cached
 * bad response, and a later run would find it again.
 *
 * <p>Which of a group's responses failed is not known, so all of the group's are discarded and
 * asked for again; for a group of one (every backend but one-at-a-time) that costs nothing extra.
 */
public final class ParseRetries {

  private ParseRetries() {}

  /**
   * The parsed value of the responses to {@code requests}, in order. A {@code parseFailure} thrown
   * by {@code parse} is retried until {@code maxAttempts} attempts were made; then the result fails
   * with {@code exhausted.apply(attempts, lastFailure)}. An answer that is not a JSON object at all
   * ({@link PermanentLlmException#unparseable()}) counts as a parse failure; other transport
   * failures are passed on as they are.
   */
  public static <T> CompletableFuture<T> send(
      LlmTransport transport,
      List<LlmRequest> requests,
      Function<List<JsonNode>, T> parse,
      Class<? extends RuntimeException> parseFailure,
      int maxAttempts,
      BiFunction<Integer, RuntimeException, RuntimeException> exhausted) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1");
    }
    return attempt(
        new Group<>(transport, parse, parseFailure, maxAttempts, exhausted), requests, 1);
  }

  private record Group<T>(
      LlmTransport transport,
      Function<List<JsonNode>, T> parse,
      Class<? extends RuntimeException> parseFailure,
      int maxAttempts,
      BiFunction<Integer, RuntimeException, RuntimeException> exhausted) {}

  private static <T> CompletableFuture<T> attempt(
      Group<T> group, List<LlmRequest> requests, int attempt) {
    List<CompletableFuture<JsonNode>> calls = new ArrayList<>(requests.size());
    for (LlmRequest request : requests) {
      calls.add(group.transport.send(request).toCompletableFuture());
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .handle((done, error) -> (Void) null)
        .thenCompose(
            done -> {
              RuntimeException failure;
              T parsed = null;
              try {
                parsed = group.parse.apply(responses(calls));
                failure = null;
              } catch (RuntimeException e) {
                if (!group.parseFailure.isInstance(e) && !unparseable(e)) {
                  throw e;
                }
                failure = e;
              }
              if (failure == null) {
                return CompletableFuture.completedFuture(parsed);
              }
              RuntimeException last = failure;
              return discardAll(group.transport, requests)
                  .thenCompose(
                      discarded -> {
                        if (attempt >= group.maxAttempts) {
                          throw new CompletionException(group.exhausted.apply(attempt, last));
                        }
                        return attempt(group, refreshed(requests), attempt + 1);
                      });
            });
  }

  /**
   * The responses in order. A transport failure is thrown as it is, the first one that is not an
   * unparseable answer before any that is: an outage or a rejection is not asked again here.
   */
  private static List<JsonNode> responses(List<CompletableFuture<JsonNode>> calls) {
    RuntimeException unparseable = null;
    for (CompletableFuture<JsonNode> call : calls) {
      if (call.isCompletedExceptionally()) {
        RuntimeException failure = failureOf(call);
        if (!unparseable(failure)) {
          throw failure;
        }
        unparseable = unparseable == null ? failure : unparseable;
      }
    }
    if (unparseable != null) {
      throw unparseable;
    }
    return calls.stream().map(CompletableFuture::join).toList();
  }

  private static RuntimeException failureOf(CompletableFuture<JsonNode> call) {
    try {
      call.join();
      throw new IllegalStateException("the call did not fail");
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause instanceof RuntimeException runtime ? runtime : e;
    } catch (CancellationException e) {
      return e;
    }
  }

  /** A 2xx answer that is not a JSON object: the server answered, so it is asked again here. */
  private static boolean unparseable(Throwable failure) {
    return failure instanceof PermanentLlmException answer && answer.unparseable();
  }

  /** Forgets every response of the group; a failure to forget does not fail the call. */
  private static CompletableFuture<Void> discardAll(
      LlmTransport transport, List<LlmRequest> requests) {
    CompletableFuture<?>[] discards =
        requests.stream()
            .map(
                request ->
                    transport
                        .discard(request)
                        .toCompletableFuture()
                        .handle((done, error) -> (Void) null))
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(discards);
  }

  private static List<LlmRequest> refreshed(List<LlmRequest> requests) {
    return requests.stream()
        .map(r -> r.cacheMode() == CacheMode.OFF ? r : r.withCacheMode(CacheMode.REFRESH))
        .toList();
  }
}
