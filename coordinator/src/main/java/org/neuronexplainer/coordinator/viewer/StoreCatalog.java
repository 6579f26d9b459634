package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What a listable store holds: every explanation file, read into one index and one overview. Built
 * once per store (a full GPT-2 XL store is 307,200 files); files it cannot read are counted and
 * named, not fatal.
 */
public record StoreCatalog(
    ExplanationIndex index, ModelOverview overview, List<String> badFiles, int files) {

  private static final Pattern EXPLANATION_KEY =
      Pattern.compile("explanations/(\\d+)/(\\d+)\\.jsonl");
  private static final int BAD_FILES_KEPT = 100;
  private static final int READ_THREADS = 6;
  private static final int CHUNK = 512;

  /** Reads the store's explanations; UnsupportedOperationException if it cannot be listed. */
  public static StoreCatalog load(BlobStore store) {
    return load(store, new Progress());
  }

  /** Files read so far out of those listed, for a "being built" answer. */
  public static final class Progress {
    private final AtomicInteger read = new AtomicInteger();
    private volatile int listed = -1;

    public int read() {
      return read.get();
    }

    /** The number of files to read, or -1 while the store is still being listed. */
    public int listed() {
      return listed;
    }
  }

  /** As {@link #load(BlobStore)}, counting files read into {@code progress}. */
  public static StoreCatalog load(BlobStore store, Progress progress) {
    List<String> keys = store.list("explanations/");
    progress.listed = keys.size();
    List<String> bad = Collections.synchronizedList(new ArrayList<>());
    // Reads are I/O on a remote store; a few threads beyond the cores keep it busy.
    ExecutorService pool = Executors.newFixedThreadPool(READ_THREADS, StoreCatalog::daemon);
    List<ExplanationEntry> entries = new ArrayList<>();
    try {
      List<Future<List<ExplanationEntry>>> chunks = new ArrayList<>();
      for (int from = 0; from < keys.size(); from += CHUNK) {
        List<String> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
        chunks.add(pool.submit(() -> readAll(store, chunk, bad, progress)));
      }
      for (Future<List<ExplanationEntry>> chunk : chunks) {
        entries.addAll(chunk.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while indexing the store", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    entries.sort(
        java.util.Comparator.comparing(ExplanationEntry::neuron)
            .thenComparingInt(ExplanationEntry::rank));
    List<String> badFiles = new ArrayList<>(bad);
    Collections.sort(badFiles);
    return new StoreCatalog(
        ExplanationIndex.build(entries),
        ModelOverview.of(entries),
        List.copyOf(badFiles.subList(0, Math.min(BAD_FILES_KEPT, badFiles.size()))),
        keys.size());
  }

  private static List<ExplanationEntry> readAll(
      BlobStore store, List<String> keys, List<String> bad, Progress progress) {
    List<ExplanationEntry> entries = new ArrayList<>();
    for (String key : keys) {
      entries.addAll(read(store, key, bad));
      progress.read.incrementAndGet();
    }
    return entries;
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "viewer-index");
    thread.setDaemon(true);
    return thread;
  }

  private static List<ExplanationEntry> read(BlobStore store, String key, List<String> bad) {
    Optional<NeuronId> place = neuronOf(key);
    if (place.isEmpty()) {
      return List.of();
    }
    Optional<byte[]> bytes = store.get(key);
    if (bytes.isEmpty()) {
      return List.of(); // deleted since the listing
    }
    try {
      return ExplanationSummaryReader.read(bytes.get(), place.get());
    } catch (IOException | RuntimeException e) {
      bad.add(key + ": " + e.getMessage());
      return List.of();
    }
  }

  static Optional<NeuronId> neuronOf(String key) {
    Matcher m = EXPLANATION_KEY.matcher(key);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new NeuronId(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
