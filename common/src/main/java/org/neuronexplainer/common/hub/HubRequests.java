package org.neuronexplainer.common.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Requests to a Hugging Face hub, shared by the capture workers (which download models and SAEs)
 * and the coordinator (which reads their configs to plan): a file's URL, GET with redirects
 * followed here rather than by the client, so that HF_TOKEN goes only to the hub itself (the hub
 * redirects weights to a CDN with signed URLs, which must not see the token: it would leak, and
 * signed storage URLs refuse a second form of authentication), and what the hub's answer means.
 */
public final class HubRequests {
  private static final int MAX_REDIRECTS = 10;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /**
   * The final response and the sha256 any hop announced for the file.
   *
   * @param sha256 from X-Linked-Etag (the hub's redirect for an LFS file) or a 64-hex ETag
   */
  public record Fetched<T>(HttpResponse<T> response, Optional<String> sha256) {}

  private final HubConfig config;
  private final HttpClient client;

  public HubRequests(HubConfig config, HttpClient client) {
    this.config = config;
    this.client = client;
  }

  /**
   * A client for hub requests: it follows no redirects itself ({@link #get} does, to keep the token
   * on the hub) and gives up connecting after {@code connectTimeout}.
   */
  public static HttpClient client(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .build();
  }

  public HubConfig config() {
    return config;
  }

  /** {@code $HF_ENDPOINT/{repo}/resolve/{revision}/{file}}; {@code file} may name a folder's. */
  public URI uri(HubId id, String file) {
    String revision = URLEncoder.encode(id.revision(), StandardCharsets.UTF_8);
    return URI.create(config.endpoint() + "/" + id.repo() + "/resolve/" + revision + "/" + file);
  }

  /**
   * GET {@code uri} as a stream, waiting at most two minutes for the response headers of each hop
   * (not for the body of a large file).
   */
  public Fetched<InputStream> get(URI uri) throws IOException, InterruptedException {
    return get(uri, Duration.ofMinutes(2), HttpResponse.BodyHandlers.ofInputStream());
  }

  /**
   * GET {@code uri}, following the hub's redirects.
   *
   * @param timeout how long each hop may take to answer: until the headers for a stream, until the
   *     whole body for a body read into memory
   */
  public <T> Fetched<T> get(URI uri, Duration timeout, HttpResponse.BodyHandler<T> body)
      throws IOException, InterruptedException {
    Optional<String> sha = Optional.empty();
    for (int hop = 0; ; hop++) {
      HttpResponse<T> response = client.send(request(uri, timeout), body);
      if (sha.isEmpty()) {
        sha = sha256(response.headers());
      }
      Optional<String> location = response.headers().firstValue("Location");
      if (!isRedirect(response.statusCode()) || location.isEmpty()) {
        return new Fetched(response, sha);
      }
      if (response.body() instanceof InputStream stream) {
        stream.close();
      }
      if (hop == MAX_REDIRECTS) {
        throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + uri);
      }
      // The hub sends relative locations for renamed repositories (gpt2 -> openai-community).
      uri = uri.resolve(location.get());
    }
  }

  private HttpRequest request(URI uri, Duration timeout) {
    HttpRequest.Builder request =
        // The timeout covers waiting for the response headers, not the body of a large file.
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "*/*");
    if (sameOrigin(uri, config.endpoint())) {
      config.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    }
    return request.build();
  }

  /**
   * Whether the hub answered {@code file} of {@code id} with the file: true for 200, false when the
   * repository exists but has no such file.
   *
   * @throws HubException for a missing repository (the hub answers so for {@code config.json}, and
   *     says so in X-Error-Code), a refused access (401, 403: a token is needed or wrong), or any
   *     other status; each message names the id and the endpoint
   */
  public boolean found(HubId id, String file, HttpResponse<?> response) {
    int status = response.statusCode();
    // The hub answers 401 for a repository that does not exist (so as not to reveal private ones).
    String errorCode = response.headers().firstValue("X-Error-Code").orElse("");
    if (status == 200) {
      return true;
    }
    if (errorCode.equals("RepositoryNotFound") || (status == 404 && file.equals("config.json"))) {
      throw new HubException(
          "no such model or file: "
              + id
              + " on "
              + config.endpoint()
              + " (if it is private or gated, set HF_TOKEN to a token with access)");
    }
    if (status == 404 || errorCode.equals("EntryNotFound")) {
      return false;
    }
    if (status == 401 || status == 403) {
      throw new HubException(
          "access to "
              + id
              + " on "
              + config.endpoint()
              + " was refused (HTTP "
              + status
              + "): "
              + (config.token().isPresent()
                  ? "the token in HF_TOKEN is invalid or has no access to this model"
                  : "the model may be gated or private: set HF_TOKEN to a token with access"));
    }
    throw new HubException(
        "cannot download " + file + " of " + id + ": HTTP " + status + " from " + response.uri());
  }

  /** A short reason; the JDK client often leaves the message of a refused connection empty. */
  public static String reason(Throwable e) {
    // The JDK wraps a DNS failure in a ConnectException: look down the whole chain first.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "host not found (no DNS)";
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return "connection timed out";
      }
      if (t instanceof HttpTimeoutException) {
        return "no answer in time";
      }
      if (t instanceof ConnectException) {
        return t.getMessage() == null || t.getMessage().isBlank()
            ? "connection refused"
            : t.getMessage();
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getHost() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : Objects.equals(uri.getScheme(), "http") ? 80 : 443;
  }

  private static Optional<String> sha256(HttpHeaders headers) {
    for (String header : new String[] {"X-Linked-Etag", "ETag"}) {
      Optional<String> sha =
          headers
              .firstValue(header)
              .map(v -> v.replaceFirst("^W/", "").replace("\"", "").toLowerCase(Locale.ROOT))
              .filter(v -> SHA256.matcher(v).matches());
      if (sha.isPresent()) {
        return sha;
      }
    }
    return Optional.empty();
  }
}
