package org.neuronexplainer.common.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hub on loopback that answers like huggingface.co: {@code /{repo}/resolve/{revision}/{file}};
 * safetensors files are redirected to a "CDN" (another port) with their sha256 in X-Linked-Etag, as
 * the hub does for LFS files. Faults are scripted per file.
 */
public final class ScriptedHub implements AutoCloseable {
  private final HttpServer server;
  // The hub's CDN is another origin: it must not be sent the token.
  private final HttpServer cdnServer;
  private final Map<String, Path> repos = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final Map<String, String> aliases = new ConcurrentHashMap<>();
  private final Set<String> truncateOnce = ConcurrentHashMap.newKeySet();
  private final Set<String> wrongSha = ConcurrentHashMap.newKeySet();
  private volatile int forcedStatus;

  public ScriptedHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    cdnServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    cdnServer.createContext("/", this::handle);
    cdnServer.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Serves the files of {@code dir} as repository {@code repo}, revision main. */
  public ScriptedHub serve(String repo, Path dir) {
    repos.put(repo, dir);
    return this;
  }

  /** Requests for {@code from} get a relative 307 to {@code to}, as the hub does for gpt2. */
  public ScriptedHub alias(String from, String to) {
    aliases.put(from, to);
    return this;
  }

  /** The next request for {@code file} announces its full length but sends half and hangs up. */
  public void truncateOnce(String file) {
    truncateOnce.add(file);
  }

  /** {@code file} is sent with an X-Linked-Etag that is not its sha256. */
  public void wrongSha(String file) {
    wrongSha.add(file);
  }

  /** Every request is answered with this status (401, 403), no body. */
  public void answerAll(int status) {
    forcedStatus = status;
  }

  /** The Authorization header of each request ("null" when absent). */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      requests.add(path);
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization") + "");
      if (forcedStatus != 0) {
        exchange.sendResponseHeaders(forcedStatus, -1);
        return;
      }
      boolean cdn = path.startsWith("/cdn/");
      String rest = cdn ? path.substring("/cdn/".length()) : path.substring(1);
      int resolve = rest.indexOf("/resolve/main/");
      if (resolve < 0) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String repo = rest.substring(0, resolve);
      String name = rest.substring(resolve + "/resolve/main/".length());
      if (!cdn && aliases.containsKey(repo)) {
        String moved = "/" + aliases.get(repo) + rest.substring(resolve);
        exchange.getResponseHeaders().add("Location", moved);
        exchange.sendResponseHeaders(307, -1);
        return;
      }
      Path dir = repos.get(repo);
      if (dir == null || !Files.isRegularFile(dir.resolve(name))) {
        // The real hub tells a missing repository from a missing file by this header.
        exchange
            .getResponseHeaders()
            .add("X-Error-Code", dir == null ? "RepositoryNotFound" : "EntryNotFound");
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] bytes = Files.readAllBytes(dir.resolve(name));
      if (!cdn && name.endsWith(".safetensors")) {
        String sha = wrongSha.contains(name) ? "0".repeat(64) : sha256(bytes);
        exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
        exchange
            .getResponseHeaders()
            .add(
                "Location",
                "http://127.0.0.1:" + cdnServer.getAddress().getPort() + "/cdn/" + rest);
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      // Not a sha256: the downloader must ignore it.
      exchange.getResponseHeaders().add("ETag", "\"" + bytes.length + "-abc\"");
      exchange.sendResponseHeaders(200, bytes.length);
      OutputStream body = exchange.getResponseBody();
      if (truncateOnce.remove(name)) {
        body.write(bytes, 0, bytes.length / 2);
        body.flush();
        // Hang up mid-body: closing the exchange with bytes missing drops the connection.
        return;
      }
      body.write(bytes);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    cdnServer.stop(0);
  }
}
