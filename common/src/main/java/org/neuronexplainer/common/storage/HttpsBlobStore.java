package org.neuronexplainer.common.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A read-only {@link BlobStore} over anonymous https GETs of {@code {base}/{key}}, for OpenAI's
 * public containers (docs/method.md 8.3), whose blobs anyone can read but whose listing needs
 * credentials. A 404 is an absent blob; writes and listings throw.
 */
public final class HttpsBlobStore implements BlobStore {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  // Collated-activation files run to a few MB; a slow link still fetches one well within this.
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final HttpClient client;

  /** A store rooted at {@code base} (with or without a trailing '/'). */
  public HttpsBlobStore(URI base) {
    this(base, HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
  }

  HttpsBlobStore(URI base, HttpClient client) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.client = client;
  }

  public URI base() {
    return base;
  }

  /** The URL a key is read from. */
  public URI uriOf(String key) {
    BlobStore.requireValidKey(key);
    StringBuilder path = new StringBuilder();
    for (String segment : key.split("/")) {
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return base.resolve(path.toString());
  }

  @Override
  public Optional<byte[]> get(String key) {
    HttpResponse<byte[]> response = send(key, "GET", HttpResponse.BodyHandlers.ofByteArray());
    return response.statusCode() == 404 ? Optional.empty() : Optional.of(response.body());
  }

  @Override
  public boolean exists(String key) {
    return send(key, "HEAD", HttpResponse.BodyHandlers.discarding()).statusCode() != 404;
  }

  private <T> HttpResponse<T> send(String key, String method, HttpResponse.BodyHandler<T> body) {
    URI uri = uriOf(key);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<T> response;
    try {
      response = client.send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + key + " from " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          "interrupted while reading " + uri, new InterruptedIOException(e.getMessage()));
    }
    int status = response.statusCode();
    if (status != 404 && (status < 200 || status > 299)) {
      throw new UncheckedIOException(
          new IOException("HTTP " + status + " for " + method + " " + uri));
    }
    return response;
  }

  @Override
  public void put(String key, byte[] data) {
    throw new UnsupportedOperationException(
        "the https store at " + base + " is read-only; cannot write " + key);
  }

  @Override
  public boolean delete(String key) {
    throw new UnsupportedOperationException(
        "the https store at " + base + " is read-only; cannot delete " + key);
  }

  @Override
  public List<String> list(String prefix) {
    throw new UnsupportedOperationException(
        "the https store at "
            + base
            + " cannot be listed (public containers allow anonymous reads of single blobs only);"
            + " give layer and neuron indices instead");
  }

  @Override
  public String toString() {
    return "HttpsBlobStore[" + base + "]";
  }
}
