package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
}
