package org.neuronexplainer.cli.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/**
 * A store that appends one line per completed put under a key prefix to an audit file: how a test
 * counts the writes of processes it kills. The line is appended once the put returned, with one
 * {@code O_APPEND} write, so it survives a SIGKILL of the process right after.
 */
final class AuditedStore extends ForwardingStore {

  private final Path audit;
  private final String prefix;

  AuditedStore(BlobStore delegate, Path audit, String prefix) {
    super(delegate);
    this.audit = audit;
    this.prefix = prefix;
  }

  /** Puts per key, summed over audit files. */
  static Map<String, Integer> count(List<Path> audits) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (Path file : audits) {
      if (Files.exists(file)) {
        Files.readAllLines(file, UTF_8).forEach(key -> counts.merge(key, 1, Integer::sum));
      }
    }
    return counts;
  }

  @Override
  public void put(String key, byte[] data) {
    inner.put(key, data);
    if (key.startsWith(prefix)) {
      append(key);
    }
  }

  private synchronized void append(String key) {
    try {
      Files.write(
          audit,
          (key + "\n").getBytes(UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
