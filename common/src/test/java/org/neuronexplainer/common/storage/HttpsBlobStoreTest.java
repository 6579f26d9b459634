package org.neuronexplainer.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a loopback server that behaves like the public container: blobs or 404, no listing. */
class HttpsBlobStoreTest {

  private static final Map<String, String> BLOBS =
      Map.of(
          "/container/data/explanations/21/2932.jsonl", "{\"x\":1}",
          "/container/data/odd name/a b.json", "spaced");

  private final List<String> requested = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private HttpsBlobStore store;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          requested.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
          String body = BLOBS.get(path);
          if (path.endsWith("/boom.json")) {
            exchange.sendResponseHeaders(503, -1);
          } else if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
          } else {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
          }
          exchange.close();
        });
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/container/data");
    store = new HttpsBlobStore(base);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void getsABlobByItsKeyUnderTheBase() {
    assertThat(store.get("explanations/21/2932.jsonl"))
        .hasValueSatisfying(
            b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}"));
    assertThat(requested).containsExactly("GET /container/data/explanations/21/2932.jsonl");
  }

  @Test
  void aMissingBlobIsEmptyNotAnError() {
    assertThat(store.get("explanations/0/1.jsonl")).isEmpty();
    assertThat(store.exists("explanations/0/1.jsonl")).isFalse();
    assertThat(store.exists("explanations/21/2932.jsonl")).isTrue();
  }

  @Test
  void encodesSegmentsOfTheKey() {
    assertThat(store.get("odd name/a b.json")).isPresent();
    assertThat(requested).containsExactly("GET /container/data/odd%20name/a%20b.json");
  }

  @Test
  void aServerErrorIsAnIoFailureNamingTheUrl() {
    assertThatThrownBy(() -> store.get("x/boom.json"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("HTTP 503")
        .hasMessageContaining("/container/data/x/boom.json");
  }

  @Test
  void isReadOnlyAndCannotBeListed() {
    assertThatThrownBy(() -> store.put("a.json", new byte[0]))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("read-only");
    assertThatThrownBy(() -> store.delete("a.json"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> store.list("explanations/"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("cannot be listed");
  }

  @Test
  void rejectsKeysThatEscapeTheBase() {
    assertThatThrownBy(() -> store.get("../secret.json"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(requested).isEmpty();
  }
}
