package org.neuronexplainer.cli.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/**
 * A store that appends lines per put under a key prefix to an audit file: how a test counts the
 * writes of processes it kills. {@code start KEY} before the put, {@code KEY} once it returned,
 * each one {@code O_APPEND} write, so both survive a SIGKILL of the process right after; a put the
 * kill interrupted leaves a start line alone (its bytes may or may not have landed).
 */
final class AuditedStore extends ForwardingStore {

  private final Path audit;
  private final String prefix;
  private final Duration pace;

  AuditedStore(BlobStore delegate, Path audit, String prefix) {
    this(delegate, audit, prefix, Duration.ZERO);
  }

  /** As the store above, each audited put held back by {@code pace} first. */
  AuditedStore(BlobStore delegate, Path audit, String prefix, Duration pace) {
    super(delegate);
    this.audit = audit;
    this.prefix = prefix;
    this.pace = pace;
  }

  private static final String START = "start ";

  /** Completed puts per key, summed over audit files. */
  static Map<String, Integer> count(List<Path> audits) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (Path file : audits) {
      if (Files.exists(file)) {
        Files.readAllLines(file, UTF_8).stream()
            .filter(line -> !line.startsWith(START))
            .forEach(key -> counts.merge(key, 1, Integer::sum));
      }
    }
    return counts;
  }

  /** Keys whose put started in this audit file but never reported back. */
  static Set<String> unfinished(Path audit) throws IOException {
    Map<String, Integer> open = new TreeMap<>();
    if (Files.exists(audit)) {
      for (String line : Files.readAllLines(audit, UTF_8)) {
        if (line.startsWith(START)) {
          open.merge(line.substring(START.length()), 1, Integer::sum);
        } else {
          open.merge(line, -1, Integer::sum);
        }
      }
    }
    open.values().removeIf(n -> n <= 0);
    return open.keySet();
  }

  @Override
  public void put(String key, byte[] data) {
    boolean audited = key.startsWith(prefix);
    if (audited) {
      pause();
      append(START + key);
    }
    inner.put(key, data);
    if (audited) {
      append(key);
      appendTo(digests(audit), key + " " + digest(data));
    }
  }

  private void pause() {
    if (!pace.isZero()) {
      try {
        Thread.sleep(pace.toMillis()); // a slower job, not a wait for anything
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("stopped while pacing a write", e);
      }
    }
  }

  /** The file beside an audit that holds "KEY SHA-256" per completed put. */
  static Path digests(Path audit) {
    return audit.resolveSibling(audit.getFileName() + ".sha256");
  }

  /** The SHA-256 of every completed put per key, over audit files. */
  static Map<String, List<String>> digests(List<Path> audits) throws IOException {
    Map<String, List<String>> all = new TreeMap<>();
    for (Path file : audits) {
      Path digests = digests(file);
      if (Files.exists(digests)) {
        for (String line : Files.readAllLines(digests, UTF_8)) {
          int space = line.lastIndexOf(' ');
          all.computeIfAbsent(line.substring(0, space), k -> new ArrayList<>())
              .add(line.substring(space + 1));
        }
      }
    }
    return all;
  }

  static String digest(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void append(String key) {
    appendTo(audit, key);
  }

  private synchronized void appendTo(Path file, String line) {
    try {
      Files.write(
          file,
          (line + "\n").getBytes(UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
