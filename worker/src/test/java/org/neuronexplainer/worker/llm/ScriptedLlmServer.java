package org.neuronexplainer.worker.llm;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An OpenAI-compatible server on loopback whose answers the test scripts: a queue of replies used
 * in order, then a default. It records every request and the peak number of requests in flight.
 * Shared with other modules' tests through the worker's test jar.
 */
public final class ScriptedLlmServer implements AutoCloseable {

  /** One scripted answer. */
  public record Reply(
      int status,
      String body,
      Map<String, String> headers,
      long delayMs,
      boolean truncate,
      long stallMs) {
    public static Reply json(int status, String body) {
      return new Reply(status, body, Map.of(), 0, false, 0);
    }

    public Reply header(String name, String value) {
      Map<String, String> more = new HashMap<>(headers);
      more.put(name, value);
      return new Reply(status, body, Map.copyOf(more), delayMs, truncate, stallMs);
    }

    public Reply after(long millis) {
      return new Reply(status, body, headers, millis, truncate, stallMs);
    }

    /** Declares the full length but closes the connection after half the body. */
    public Reply truncated() {
      return new Reply(status, body, headers, delayMs, true, stallMs);
    }

    /** Sends the headers and half the body at once, the rest {@code millis} later. */
    public Reply stallingBody(long millis) {
      return new Reply(status, body, headers, delayMs, truncate, millis);
    }
  }

  /** A request as the server saw it. */
  public record Seen(
      String method, String pathAndQuery, Headers headers, String body, long atNanos) {
    public String header(String name) {
      return headers.getFirst(name);
    }
  }

  public static String chatReply(String content, long prompt, long completion) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-test\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + content
        + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + completion
        + ",\"total_tokens\":"
        + (prompt + completion)
        + "}}";
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Function<Seen, Reply> fallback = s -> Reply.json(200, chatReply("ok", 10, 2));
  private volatile boolean recording = true;

  static {
    // Without TCP_NODELAY the server's separate header and body writes meet the client's delayed
    // ACK and every answer waits about 40 ms more than scripted.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // The default of 200 idle connections closes some of a large pool under the client's feet.
    System.setProperty("sun.net.httpserver.maxIdleConnections", "2000");
  }

  public ScriptedLlmServer() throws IOException {
    this(InetAddress.getLoopbackAddress());
  }

  /** A server on {@code address}: one that processes on other network hosts can reach. */
  public ScriptedLlmServer(InetAddress address) throws IOException {
    server = HttpServer.create(new InetSocketAddress(address, 0), 200);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The server's root, e.g. {@code http://127.0.0.1:PORT}. */
  public String root() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort();
  }

  public ScriptedLlmServer then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  public ScriptedLlmServer otherwise(Function<Seen, Reply> reply) {
    fallback = reply;
    return this;
  }

  /**
   * Stops keeping requests, for long benchmarks whose hundreds of thousands would fill the heap.
   */
  public ScriptedLlmServer withoutRecording() {
    recording = false;
    return this;
  }

  public List<Seen> requests() {
    return new ArrayList<>(seen);
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    boolean counted = true;
    try (exchange) {
      Seen request =
          new Seen(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              exchange.getRequestHeaders(),
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
              System.nanoTime());
      if (recording) {
        seen.add(request);
      }
      Reply reply = script.poll();
      if (reply == null) {
        reply = fallback.apply(request);
      }
      if (reply.delayMs() > 0) {
        Thread.sleep(reply.delayMs());
      }
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      // No longer in flight once the client can see the answer and send its next call.
      inFlight.decrementAndGet();
      counted = false;
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      OutputStream out = exchange.getResponseBody();
      if (reply.truncate()) {
        out.write(body, 0, body.length / 2);
        out.flush();
        // Closing the exchange with bytes missing makes the server drop the connection.
        return;
      }
      if (reply.stallMs() > 0) {
        out.write(body, 0, body.length / 2);
        out.flush();
        Thread.sleep(reply.stallMs());
        out.write(body, body.length / 2, body.length - body.length / 2);
        return;
      }
      out.write(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
