package org.neuronexplainer.worker.capture.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Downloads one file of a hub repository into place: streamed to a temporary file next to the
 * target and renamed only once its size (Content-Length) and, for LFS files, its sha256 are right,
 * so a target file that exists is always complete.
 */
final class FileDownloader {
  // Below this a file (config, tokenizer) downloads in a blink: no progress lines.
  static final long PROGRESS_THRESHOLD = 16L << 20;

  private final HubConfig config;
  private final HubRequests requests;
  private final PrintStream progressOut;
  private final boolean tty;

  FileDownloader(HubConfig config, HttpClient client, PrintStream progressOut, boolean tty) {
    this.config = config;
    this.requests = new HubRequests(config, client);
    this.progressOut = progressOut;
    this.tty = tty;
  }

  /** Downloads {@code file} to {@code target}; false when the repository has no such file. */
  boolean download(HubId id, String file, Path target) {
    HubRequests.Fetched fetched;
    try {
      fetched = requests.get(uri(id, file));
    } catch (IOException e) {
      throw offline(id, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException("interrupted while downloading " + id, e);
    }
    HttpResponse<InputStream> response = fetched.response();
    try (InputStream body = response.body()) {
      if (!checkStatus(id, file, response)) {
        return false;
      }
      save(id, file, response, fetched.sha256(), body, target);
      return true;
    } catch (IOException e) {
      // Reading the body is handled in copy(); this is the local disk (temp file, rename).
      throw new HubException("cannot save " + target + ": " + reason(e), e);
    }
  }

  private URI uri(HubId id, String file) {
    String revision = URLEncoder.encode(id.revision(), StandardCharsets.UTF_8);
    return URI.create(config.endpoint() + "/" + id.repo() + "/resolve/" + revision + "/" + file);
  }

  private boolean checkStatus(HubId id, String file, HttpResponse<?> response) {
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

  private void save(
      HubId id,
      String file,
      HttpResponse<?> response,
      Optional<String> expectedSha,
      InputStream body,
      Path target)
      throws IOException {
    long expectedSize = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".part");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long bytes = copy(id + " " + file, body, temp, sha, expectedSize);
      if (expectedSize >= 0 && bytes != expectedSize) {
        throw cutOff(id + " " + file, bytes, expectedSize, null);
      }
      String actual = HexFormat.of().formatHex(sha.digest());
      if (expectedSha.isPresent() && !expectedSha.get().equals(actual)) {
        throw new HubException(
            "refused "
                + file
                + " of "
                + id
                + ": its sha256 is "
                + actual
                + " but the hub says "
                + expectedSha.get()
                + " (a corrupt download or a broken mirror); run again to retry");
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private long copy(String label, InputStream body, Path temp, MessageDigest sha, long expected) {
    DownloadProgress progress =
        expected >= PROGRESS_THRESHOLD
            ? new DownloadProgress(progressOut, tty, label, expected, System::nanoTime)
            : null;
    long bytes = 0;
    try (OutputStream out = Files.newOutputStream(temp)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = body.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        sha.update(buffer, 0, n);
        bytes += n;
        if (progress != null) {
          progress.update(bytes);
        }
      }
    } catch (IOException e) {
      throw cutOff(label, bytes, expected, e);
    }
    if (progress != null) {
      progress.done(bytes);
    }
    return bytes;
  }

  private static HubException cutOff(String file, long bytes, long expected, IOException cause) {
    return new HubException(
        "the download of "
            + file
            + " was cut off after "
            + bytes
            + (expected >= 0 ? " of " + expected : "")
            + " bytes"
            + (cause == null ? "" : " (" + reason(cause) + ")")
            + "; nothing was kept: run again to retry",
        cause);
  }

  private HubException offline(HubId id, IOException e) {
    return new HubException(
        "cannot download "
            + id
            + " from "
            + config.endpoint()
            + ": "
            + reason(e)
            + ". This machine may be offline: download the model elsewhere and pass its directory"
            + " with --model DIR, or set HF_ENDPOINT to a mirror",
        e);
  }

  /** A short reason; the JDK client often leaves the message of a refused connection empty. */
  static String reason(Throwable e) {
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
}
