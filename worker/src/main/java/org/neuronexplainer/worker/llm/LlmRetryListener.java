package org.neuronexplainer.worker.llm;

import java.time.Duration;

/**
 * Told when a call waits to try again, so that a command can say what it is waiting on instead of
 * going silent for the whole backoff (a closed port takes every attempt, about a minute and a half
 * with the defaults). Separate from {@link LlmCallListener}, which hears of a call only when it
 * ends.
 *
 * <p>Called on the client's threads; an implementation must be quick and must not throw (a throw is
 * swallowed so that it cannot fail the call).
 */
public interface LlmRetryListener {

  /**
   * One failed attempt of a call that will be tried again.
   *
   * @param call identifies the call within its client, to pair with {@link #settled}
   * @param url the URL the attempt was sent to
   * @param reason why the attempt failed, in one line
   * @param status the HTTP status, 0 when nothing answered (refused, reset, timed out)
   * @param attempt the attempt that failed, from 1
   * @param maxAttempts how many attempts the call has in all (LLM_MAX_ATTEMPTS)
   * @param elapsed since the call's first attempt
   * @param nextIn the wait before the next attempt
   */
  record Retry(
      long call,
      String url,
      String reason,
      int status,
      int attempt,
      int maxAttempts,
      Duration elapsed,
      Duration nextIn) {}

  void retrying(Retry retry);

  /**
   * A call that was told about in {@link #retrying} has ended, answered or failed for good.
   *
   * @param call as in {@link Retry#call}
   */
  default void settled(long call) {}

  LlmRetryListener NONE = retry -> {};
}
