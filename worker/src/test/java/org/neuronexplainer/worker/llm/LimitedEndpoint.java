package org.neuronexplainer.worker.llm;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A provider's front for a scripted model behind {@link ScriptedLlmServer}: answers take seconds
 * (uniform between two bounds), and requests per minute and tokens per minute are enforced the way
 * providers do. Each limit is a bucket refilled continuously at a sixtieth of it per second,
 * holding at most one second's worth; a request that finds either bucket short is answered at once
 * with a 429 carrying {@code retry-after-ms}, {@code retry-after} and the {@code x-ratelimit-*}
 * headers, and costs nothing. An admitted request costs one request and its reported {@code
 * total_tokens}. Some admitted requests are refused anyway with a 429 that asks for a second's
 * wait, as an overloaded provider does. It counts what it admitted and what it refused, for the
 * benchmark's rates.
 */
public final class LimitedEndpoint
    implements Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> {

  private static final String LIMITED_BODY =
      "{\"error\":{\"message\":\"Rate limit reached for %s\",\"type\":\"%s\","
          + "\"code\":\"rate_limit_exceeded\"}}";
  private static final String OVERLOADED_BODY =
      "{\"error\":{\"message\":\"The server is busy; try again shortly\",\"type\":\"server_busy\","
          + "\"code\":\"rate_limit_exceeded\"}}";

  private final Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> model;
  private final long requestsPerMinute;
  private final long tokensPerMinute;
  private final long minLatencyMs;
  private final long maxLatencyMs;
  private final double overloadedShare;
  private final Random random = new Random(22);
  private final Window requests;
  private final Window tokens;
  private final AtomicLong admitted = new AtomicLong();
  private final AtomicLong admittedTokens = new AtomicLong();
  private final AtomicLong limited = new AtomicLong();
  private final AtomicLong overloaded = new AtomicLong();

  public LimitedEndpoint(
      Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> model,
      long requestsPerMinute,
      long tokensPerMinute,
      long minLatencyMs,
      long maxLatencyMs,
      double overloadedShare) {
    this.model = model;
    this.requestsPerMinute = requestsPerMinute;
    this.tokensPerMinute = tokensPerMinute;
    this.minLatencyMs = minLatencyMs;
    this.maxLatencyMs = maxLatencyMs;
    this.overloadedShare = overloadedShare;
    long now = System.nanoTime();
    this.requests = new Window(requestsPerMinute, now);
    this.tokens = new Window(tokensPerMinute, now);
  }

  /** What the endpoint has done so far. */
  public record Counts(long admitted, long admittedTokens, long limited, long overloaded) {}

  public Counts counts() {
    return new Counts(admitted.get(), admittedTokens.get(), limited.get(), overloaded.get());
  }

  @Override
  public ScriptedLlmServer.Reply apply(ScriptedLlmServer.Seen seen) {
    ScriptedLlmServer.Reply answer = model.apply(seen);
    if (answer.status() != 200) {
      return answer;
    }
    long cost = totalTokens(answer.body());
    long waitNanos;
    double remainingRequests;
    double remainingTokens;
    boolean unlucky;
    synchronized (this) {
      long now = System.nanoTime();
      long requestWait = requests.waitFor(1, now);
      long tokenWait = tokens.waitFor(cost, now);
      waitNanos = Math.max(requestWait, tokenWait);
      unlucky = waitNanos == 0 && random.nextDouble() < overloadedShare;
      if (waitNanos == 0 && !unlucky) {
        requests.take(1);
        tokens.take(cost);
      }
      remainingRequests = requests.balance;
      remainingTokens = tokens.balance;
      if (waitNanos > 0) {
        limited.incrementAndGet();
        return limitedReply(
            requestWait >= tokenWait, waitNanos, remainingRequests, remainingTokens);
      }
      if (unlucky) {
        overloaded.incrementAndGet();
        return ScriptedLlmServer.Reply.json(429, OVERLOADED_BODY)
            .header("retry-after-ms", "1000")
            .header("retry-after", "1");
      }
      admitted.incrementAndGet();
      admittedTokens.addAndGet(cost);
    }
    long latency = minLatencyMs + (long) (random() * (maxLatencyMs - minLatencyMs + 1));
    return withLimitHeaders(answer, remainingRequests, remainingTokens).after(latency);
  }

  private synchronized double random() {
    return random.nextDouble();
  }

  private ScriptedLlmServer.Reply limitedReply(
      boolean byRequests, long waitNanos, double remainingRequests, double remainingTokens) {
    String what = byRequests ? "requests per min (RPM)" : "tokens per min (TPM)";
    String body = String.format(LIMITED_BODY, what, byRequests ? "requests" : "tokens");
    long ms = Math.max(1, (waitNanos + 999_999) / 1_000_000);
    return withLimitHeaders(
            ScriptedLlmServer.Reply.json(429, body), remainingRequests, remainingTokens)
        .header("retry-after-ms", Long.toString(ms))
        .header("retry-after", Long.toString((ms + 999) / 1000));
  }

  private ScriptedLlmServer.Reply withLimitHeaders(
      ScriptedLlmServer.Reply reply, double remainingRequests, double remainingTokens) {
    return reply
        .header("x-ratelimit-limit-requests", Long.toString(requestsPerMinute))
        .header("x-ratelimit-limit-tokens", Long.toString(tokensPerMinute))
        .header("x-ratelimit-remaining-requests", Long.toString((long) remainingRequests))
        .header("x-ratelimit-remaining-tokens", Long.toString((long) remainingTokens));
  }

  private static long totalTokens(String body) {
    int at = body.indexOf("\"total_tokens\":");
    if (at < 0) {
      return 0;
    }
    int start = at + "\"total_tokens\":".length();
    int end = start;
    while (end < body.length() && Character.isDigit(body.charAt(end))) {
      end++;
    }
    return Long.parseLong(body.substring(start, end));
  }

  /** One per-minute limit as a bucket of one second's worth. */
  private static final class Window {
    private final double perNano;
    private final double capacity;
    private double balance;
    private long last;

    Window(long perMinute, long now) {
      this.perNano = perMinute / 60e9;
      this.capacity = Math.max(1, perMinute / 60.0);
      this.balance = capacity;
      this.last = now;
    }

    long waitFor(long units, long now) {
      balance = Math.min(capacity, balance + (now - last) * perNano);
      last = now;
      return balance >= units ? 0 : (long) Math.ceil((units - balance) / perNano);
    }

    void take(long units) {
      balance -= units;
    }
  }
}
