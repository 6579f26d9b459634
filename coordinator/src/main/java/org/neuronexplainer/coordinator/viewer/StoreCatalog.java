package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What a listable store holds: every explanation file, read into one index and one overview. Built
 * once per store (a full GPT-2 XL store is 307,200 files), then updated by reading only the files
 * that are new or changed since ({@link #update}); files it cannot read are counted and named, not
 * fatal.
 *
 * @param files what each explanation file gave, by key, with the version it was read at
 * @param builtAtMillis when this catalog was made
 */
public record StoreCatalog(
    ExplanationIndex index,
    ModelOverview overview,
    List<String> badFiles,
    Map<String, FileEntries> files,
    long builtAtMillis) {

  private static final Pattern EXPLANATION_KEY =
      Pattern.compile("explanations/(\\d+)/(\\d+)\\.jsonl");
  private static final int BAD_FILES_KEPT = 100;
  private static final int READ_THREADS = 6;
  private static final int CHUNK = 512;

  /** One file's explanations as read at {@code version}; {@code error} when it was unreadable. */
  public record FileEntries(long version, List<ExplanationEntry> entries, String error) {}

  /** Reads the store's explanations; UnsupportedOperationException if it cannot be listed. */
  public static StoreCatalog load(BlobStore store) {
    return load(store, new Progress());
  }

  /** Files read so far out of those to read, for a "being built" answer. */
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
    return update(store, null, ExplanationListing.of(store), false, progress);
  }

  /**
   * The number of explanation files that could not be read or parsed (all, not only those kept).
   */
  public int badFileCount() {
    return (int) files.values().stream().filter(f -> f.error() != null).count();
  }

  /** The number of explanation files in the catalog. */
  public int fileCount() {
    return files.size();
  }

  /** Whether {@code listing} differs from the files this catalog was built from. */
  boolean differsFrom(Map<String, Long> listing) {
    return VersionedFiles.differ(listing, files, FileEntries::version);
  }

  /**
   * A catalog of the files in {@code listing}: those that {@code previous} holds at the same
   * version are taken from it, the others are read ({@code rereadAll} reads every file again, for
   * stores whose listing cannot tell a rewritten file). The index and overview are then built anew
   * from memory, which is quick next to reading the files.
   */
  static StoreCatalog update(
      BlobStore store,
      StoreCatalog previous,
      Map<String, Long> listing,
      boolean rereadAll,
      Progress progress) {
    Map<String, FileEntries> files = new TreeMap<>();
    List<String> toRead =
        VersionedFiles.reuse(
            listing,
            previous == null ? null : previous.files,
            FileEntries::version,
            rereadAll,
            files);
    progress.listed = toRead.size();
    Map<String, FileEntries> read = readAll(store, toRead, listing, progress);
    files.putAll(read);
    List<ExplanationEntry> entries = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, FileEntries> file : files.entrySet()) {
      entries.addAll(file.getValue().entries());
      if (file.getValue().error() != null) {
        bad.add(file.getKey() + ": " + file.getValue().error());
      }
    }
    entries.sort(
        Comparator.comparing(ExplanationEntry::neuron).thenComparingInt(ExplanationEntry::rank));
    return new StoreCatalog(
        ExplanationIndex.build(entries),
        ModelOverview.of(entries),
        List.copyOf(bad.subList(0, Math.min(BAD_FILES_KEPT, bad.size()))),
        Collections.unmodifiableMap(files),
        System.currentTimeMillis());
  }

  private static Map<String, FileEntries> readAll(
      BlobStore store, List<String> keys, Map<String, Long> listing, Progress progress) {
    return VersionedFiles.readAll(
        keys,
        READ_THREADS,
        CHUNK,
        "viewer-index",
        key -> read(store, key, listing.get(key)),
        progress.read::incrementAndGet);
  }

  private static FileEntries read(BlobStore store, String key, long version) {
    Optional<NeuronId> place = neuronOf(key);
    if (place.isEmpty()) {
      return new FileEntries(version, List.of(), null);
    }
    Optional<byte[]> bytes;
    try {
      bytes = store.get(key);
    } catch (RuntimeException e) {
      // One file the store cannot give (permissions, a broken read) leaves the others indexed.
      return new FileEntries(version, List.of(), PlainText.readFailure(key, e));
    }
    if (bytes.isEmpty()) {
      return new FileEntries(version, List.of(), null); // deleted since the listing
    }
    try {
      return new FileEntries(
          version, List.copyOf(ExplanationSummaryReader.read(bytes.get(), place.get())), null);
    } catch (IOException | RuntimeException e) {
      return new FileEntries(version, List.of(), PlainText.reason(e));
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
