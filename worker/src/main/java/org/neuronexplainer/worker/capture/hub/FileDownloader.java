package org.neuronexplainer.worker.capture.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.neuronexplainer.common.hub.HubConfig;
import org.neuronexplainer.common.hub.HubException;
import org.neuronexplainer.common.hub.HubId;
import org.neuronexplainer.common.hub.HubRequests;

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

  /** Downloads {@code file} of a model to {@code target}; false when the repository lacks it. */
  boolean download(HubId id, String file, Path target) {
    return download(id, file, target, "--model");
  }

  /**
   * Downloads {@code file} to {@code target}; false when the repository has no such file.
   *
   * @param flag the option that takes a directory instead ({@code --model}, {@code --sae}), for the
   *     message when the hub cannot be reached
   */
  boolean download(HubId id, String file, Path target, String flag) {
    HubRequests.Fetched<InputStream> fetched;
    try {
      fetched = requests.get(requests.uri(id, file));
    } catch (IOException e) {
      throw offline(id, flag, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException("interrupted while downloading " + id, e);
    }
    HttpResponse<InputStream> response = fetched.response();
    try (InputStream body = response.body()) {
      if (!requests.found(id, file, response)) {
        return false;
      }
      save(id, file, response, fetched.sha256(), body, target);
      return true;
    } catch (IOException e) {
      // Reading the body is handled in copy(); this is the local disk (temp file, rename).
      throw new HubException("cannot save " + target + ": " + HubRequests.reason(e), e);
    }
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
            + (cause == null ? "" : " (" + HubRequests.reason(cause) + ")")
            + "; nothing was kept: run again to retry",
        cause);
  }

  private HubException offline(HubId id, String flag, IOException e) {
    return new HubException(
        "cannot download "
            + id
            + " from "
            + config.endpoint()
            + ": "
            + HubRequests.reason(e)
            + ". This machine may be offline: download "
            + (flag.equals("--sae") ? "the SAE" : "the model")
            + " elsewhere and pass its directory with "
            + flag
            + " DIR, or set HF_ENDPOINT to a mirror",
        e);
  }
}
