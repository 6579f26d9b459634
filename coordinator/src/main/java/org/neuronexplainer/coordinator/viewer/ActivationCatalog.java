package org.neuronexplainer.coordinator.viewer;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What the collated-activations files of a listable store say about each neuron's activity ({@link
 * NeuronActivity}), read into one {@link ActivationIndex}. As {@link StoreCatalog}: built once,
 * then updated by reading only the files that are new or changed, and a file that cannot be read is
 * named and skipped. Only the summaries are kept, never the records.
 *
 * @param files what each collated-activations file gave, by key, with its version
 */
record ActivationCatalog(
    ActivationIndex index, List<String> badFiles, Map<String, FileSummary> files) {

  static final String FOLDER = "collated-activations";
  private static final Pattern RECORD_KEY = Pattern.compile(FOLDER + "/(\\d+)/(\\d+)\\.json");
  private static final int BAD_FILES_KEPT = 100;
  private static final int READ_THREADS = 6;
  private static final int CHUNK = 256;

  /** One file's summary as read at {@code version}; null with {@code problem} when unreadable. */
  record FileSummary(long version, NeuronActivity activity, String problem) {}

  /** Files read so far out of those to read. */
  static final class Progress {
    private final AtomicInteger read = new AtomicInteger();
    private volatile int listed = -1;

    int read() {
      return read.get();
    }

    /** The number of files to read, or -1 while the store is still being listed. */
    int listed() {
      return listed;
    }
  }

  /** The store's collated-activations files, each with its version. */
  static Map<String, Long> listing(BlobStore store) {
    return ExplanationListing.of(store, FOLDER, key -> neuronOf(key).isPresent());
  }

  /** Whether {@code listing} differs from the files this catalog was built from. */
  boolean differsFrom(Map<String, Long> listing) {
    return VersionedFiles.differ(listing, files, FileSummary::version);
  }

  /**
   * A catalog of the files in {@code listing}, taking from {@code previous} (may be null) those it
   * holds at the same version and reading the others.
   */
  static ActivationCatalog update(
      BlobStore store,
      ActivationCatalog previous,
      Map<String, Long> listing,
      boolean rereadAll,
      Progress progress) {
    Map<String, FileSummary> files = new TreeMap<>();
    List<String> toRead =
        VersionedFiles.reuse(
            listing,
            previous == null ? null : previous.files,
            FileSummary::version,
            rereadAll,
            files);
    progress.listed = toRead.size();
    files.putAll(readAll(store, toRead, listing, progress));
    List<NeuronActivity> summaries = new ArrayList<>(files.size());
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, FileSummary> file : files.entrySet()) {
      if (file.getValue().activity() != null) {
        summaries.add(file.getValue().activity());
      }
      if (file.getValue().problem() != null && bad.size() < BAD_FILES_KEPT) {
        bad.add(file.getKey() + ": " + file.getValue().problem());
      }
    }
    return new ActivationCatalog(
        ActivationIndex.build(summaries), List.copyOf(bad), Collections.unmodifiableMap(files));
  }

  private static Map<String, FileSummary> readAll(
      BlobStore store, List<String> keys, Map<String, Long> listing, Progress progress) {
    return VersionedFiles.readAll(
        keys,
        READ_THREADS,
        CHUNK,
        "viewer-activity-index",
        key -> read(store, key, listing.get(key)),
        progress.read::incrementAndGet);
  }

  /** One record and its token table; what goes wrong is said in plain words. */
  static FileSummary read(BlobStore store, String key, long version) {
    NeuronId id = neuronOf(key).orElseThrow();
    Optional<byte[]> bytes;
    try {
      bytes = store.get(key);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      return new FileSummary(version, null, "the store could not read this file");
    }
    if (bytes.isEmpty()) {
      return new FileSummary(version, null, null); // deleted since the listing
    }
    NeuronRecord record;
    try {
      record = DatasetJson.read(bytes.get(), key, NeuronRecord.class);
    } catch (DatasetFormatException | RuntimeException e) {
      return new FileSummary(version, null, "not a collated-activations file of this layout");
    }
    return new FileSummary(version, NeuronActivity.of(record, tokenTable(store, id)), null);
  }

  /** The neuron's activation-based token table; null where missing or unreadable (it only adds). */
  private static TokenLookupTableSummaryOfNeuron tokenTable(BlobStore store, NeuronId id) {
    String key = NeuronFile.RELATED_TOKENS_ACTIVATION_BASED.key(id);
    try {
      Optional<byte[]> bytes = store.get(key);
      return bytes.isEmpty()
          ? null
          : DatasetJson.read(bytes.get(), key, TokenLookupTableSummaryOfNeuron.class);
    } catch (DatasetFormatException | RuntimeException e) {
      return null;
    }
  }

  static Optional<NeuronId> neuronOf(String key) {
    Matcher m = RECORD_KEY.matcher(key);
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
