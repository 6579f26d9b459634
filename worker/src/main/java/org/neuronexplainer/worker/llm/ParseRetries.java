package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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
   * with {@code exhausted.apply(attempts, lastFailure)}. Transport failures are passed on as they
   * are.
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
        .thenCompose(
            done -> {
              List<JsonNode> responses = calls.stream().map(CompletableFuture::join).toList();
              T parsed;
              try {
                parsed = group.parse.apply(responses);
              } catch (RuntimeException e) {
                if (!group.parseFailure.isInstance(e)) {
                  throw e;
                }
                return discardAll(group.transport, requests)
                    .thenCompose(
                        discarded -> {
                          if (attempt >= group.maxAttempts) {
                            throw new CompletionException(group.exhausted.apply(attempt, e));
                          }
                          return attempt(group, refreshed(requests), attempt + 1);
                        });
              }
              return CompletableFuture.completedFuture(parsed);
            });
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
