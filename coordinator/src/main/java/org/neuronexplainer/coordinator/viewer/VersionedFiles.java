package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What a catalog of store files keeps between refreshes: each file's summary, with the version the
 * store listed it at. A refresh reads only the files whose version changed.
 */
final class VersionedFiles {

  private VersionedFiles() {}

  /** Whether {@code listing} differs from the files {@code known} was built from. */
  static <T> boolean differ(
      Map<String, Long> listing, Map<String, T> known, ToLongFunction<T> version) {
    if (listing.size() != known.size()) {
      return true;
    }
    for (Map.Entry<String, Long> file : listing.entrySet()) {
      T summary = known.get(file.getKey());
      if (summary == null || version.applyAsLong(summary) != file.getValue()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Puts into {@code kept} the summaries of {@code previous} (may be null) still at their listed
   * version, and returns the keys of {@code listing} to read again: the others, or all of them with
   * {@code rereadAll} (for stores whose listing cannot tell a rewritten file).
   */
  static <T> List<String> reuse(
      Map<String, Long> listing,
      Map<String, T> previous,
      ToLongFunction<T> version,
      boolean rereadAll,
      Map<String, T> kept) {
    List<String> toRead = new ArrayList<>();
    for (Map.Entry<String, Long> file : listing.entrySet()) {
      T known = previous == null ? null : previous.get(file.getKey());
      if (!rereadAll && known != null && version.applyAsLong(known) == file.getValue()) {
        kept.put(file.getKey(), known);
      } else {
        toRead.add(file.getKey());
      }
    }
    return toRead;
  }

  /**
   * Every key read by {@code read}, on {@code threads} daemon threads named {@code threadName}, in
   * chunks of {@code chunk} keys (reads are I/O on a remote store: a few threads beyond the cores
   * keep it busy); {@code done} is run after each key. A read that throws fails the whole.
   */
  static <T> Map<String, T> readAll(
      List<String> keys,
      int threads,
      int chunk,
      String threadName,
      Function<String, T> read,
      Runnable done) {
    Map<String, T> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<Map<String, T>>> parts = new ArrayList<>();
      for (int from = 0; from < keys.size(); from += chunk) {
        List<String> part = keys.subList(from, Math.min(keys.size(), from + chunk));
        parts.add(
            pool.submit(
                () -> {
                  Map<String, T> readPart = new HashMap<>();
                  for (String key : part) {
                    readPart.put(key, read.apply(key));
                    done.run();
                  }
                  return readPart;
                }));
      }
      for (Future<Map<String, T>> part : parts) {
        out.putAll(part.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the store's files", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return out;
  }
}
