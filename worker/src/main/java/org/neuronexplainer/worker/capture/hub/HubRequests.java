package org.neuronexplainer.worker.capture.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * GET with redirects followed here rather than by the client, so that HF_TOKEN goes only to the hub
 * itself: the hub redirects weights to a CDN with signed URLs, which must not see the token (it
 * would leak, and signed storage URLs refuse a second form of authentication).
 */
final class HubRequests {
  private static final int MAX_REDIRECTS = 10;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /**
   * The final response and the sha256 any hop announced for the file.
   *
   * @param sha256 from X-Linked-Etag (the hub's redirect for an LFS file) or a 64-hex ETag
   */
  record Fetched(HttpResponse<InputStream> response, Optional<String> sha256) {}

  private final HubConfig config;
  private final HttpClient client;

  HubRequests(HubConfig config, HttpClient client) {
    this.config = config;
    this.client = client;
  }

  Fetched get(URI uri) throws IOException, InterruptedException {
    Optional<String> sha = Optional.empty();
    for (int hop = 0; ; hop++) {
      HttpResponse<InputStream> response =
          client.send(request(uri), HttpResponse.BodyHandlers.ofInputStream());
      if (sha.isEmpty()) {
        sha = sha256(response.headers());
      }
      Optional<String> location = response.headers().firstValue("Location");
      if (!isRedirect(response.statusCode()) || location.isEmpty()) {
        return new Fetched(response, sha);
      }
      response.body().close();
      if (hop == MAX_REDIRECTS) {
        throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + uri);
      }
      // The hub sends relative locations for renamed repositories (gpt2 -> openai-community).
      uri = uri.resolve(location.get());
    }
  }

  private HttpRequest request(URI uri) {
    HttpRequest.Builder request =
        // The timeout covers waiting for the response headers, not the body of a large file.
        HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).header("Accept", "*/*");
    if (sameOrigin(uri, config.endpoint())) {
      config.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    }
    return request.build();
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
