package org.neuronexplainer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.json.DatasetDocument;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.dataset.json.PublicLayout;

/** Reads one dataset file for {@code validate} and checks it against its place in the layout. */
final class DatasetFileCheck {
  private DatasetFileCheck() {}

  /** A file to check, and its path relative to the argument it was found under. */
  record Target(Path file, Path relative) {}

  /** A valid file's document and neuron (from the file or its path), or why it is invalid. */
  record Result(DatasetDocument document, NeuronId neuron, boolean neuronFromPath, String error) {
    static Result failed(String error) {
      return new Result(null, null, false, error);
    }

    boolean valid() {
      return error == null;
    }

    /** The output line: "ok FILE TYPE NEURON" or "FAIL MESSAGE". */
    String line(Path file) {
      if (!valid()) {
        return "FAIL  " + error;
      }
      String neuronText =
          neuron == null ? "" : " " + neuron + (neuronFromPath ? " (from the path)" : "");
      return "ok    " + file + "  " + document.type().displayName() + neuronText;
    }
  }

  static boolean looksLikeDatasetFile(Path file) {
    String name = file.getFileName().toString();
    return (name.endsWith(".json") || name.endsWith(".jsonl")) && !name.startsWith(".");
  }

  static Result check(Path file) {
    Optional<PublicLayout.Place> place = PublicLayout.of(file);
    DatasetDocument document;
    try {
      document =
          place.isPresent()
              ? DatasetJson.read(file, place.get().type())
              : DatasetJson.readAny(file);
    } catch (DatasetFormatException e) {
      return Result.failed(e.getMessage());
    } catch (IOException e) {
      return Result.failed(file + ": cannot read: " + e);
    }
    Optional<NeuronId> inFile = document.neuronId();
    if (place.isEmpty()) {
      return new Result(document, inFile.orElse(null), false, null);
    }
    NeuronId fromPath = place.get().neuronId();
    if (inFile.isPresent() && !inFile.get().equals(fromPath)) {
      return Result.failed(
          DatasetFormatException.atPath(
                  file.toString(),
                  "$.neuron_id",
                  "the file is about neuron " + inFile.get() + " but its path says " + fromPath)
              .getMessage());
    }
    return new Result(document, fromPath, inFile.isEmpty(), null);
  }

  /** Paths in reading order: numeric segments by value, so layer 9 comes before layer 10. */
  static final Comparator<Path> NATURAL_ORDER = DatasetFileCheck::compareNaturally;

  private static int compareNaturally(Path a, Path b) {
    Iterator<Path> left = a.iterator();
    Iterator<Path> right = b.iterator();
    while (left.hasNext() && right.hasNext()) {
      int order = compareSegments(left.next().toString(), right.next().toString());
      if (order != 0) {
        return order;
      }
    }
    return Boolean.compare(left.hasNext(), right.hasNext());
  }

  private static int compareSegments(String a, String b) {
    String numberA = leadingDigits(a);
    String numberB = leadingDigits(b);
    if (!numberA.isEmpty()
        && !numberB.isEmpty()
        && numberA.length() <= 18
        && numberB.length() <= 18) {
      int order = Long.compare(Long.parseLong(numberA), Long.parseLong(numberB));
      if (order != 0) {
        return order;
      }
    }
    return a.compareTo(b);
  }

  private static String leadingDigits(String segment) {
    int end = 0;
    while (end < segment.length() && Character.isDigit(segment.charAt(end))) {
      end++;
    }
    return segment.substring(0, end);
  }
}
