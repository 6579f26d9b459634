package org.neuronexplainer.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.json.DatasetDocument;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.dataset.json.DatasetType;
import org.neuronexplainer.common.dataset.json.PublicLayout;
import org.neuronexplainer.common.storage.FileErrors;

/** Reads one dataset file for {@code validate} and checks it against its place in the layout. */
final class DatasetFileCheck {
  private DatasetFileCheck() {}

  /** A valid file's document and neuron (from the file or its path), or why it is invalid. */
  record Result(
      DatasetDocument document,
      NeuronId neuron,
      boolean neuronFromPath,
      String error,
      String notDataset) {
    static Result failed(String error) {
      return new Result(null, null, false, error, null);
    }

    /** A JSON file outside the layout that is no dataset file at all; {@code why} says how. */
    static Result notDataset(String why) {
      return new Result(null, null, false, null, why);
    }

    boolean valid() {
      return error == null && notDataset == null;
    }

    boolean isDataset() {
      return notDataset == null;
    }

    /** The output line: "ok FILE TYPE NEURON" or "FAIL MESSAGE". */
    String line(Path file) {
      if (!isDataset()) {
        return "skip  " + file + ": not a dataset file (" + notDataset + ")";
      }
      if (!valid()) {
        return "FAIL  " + error;
      }
      String neuronText =
          neuron == null ? "" : " " + neuron + (neuronFromPath ? " (from the path)" : "");
      return "ok    " + file + "  " + document.type().displayName() + neuronText;
    }
  }

  static Result check(Path file) {
    Optional<PublicLayout.Place> place = PublicLayout.of(file);
    DatasetDocument document;
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (place.isEmpty()) {
        String notDataset = notDatasetShaped(bytes);
        if (notDataset != null) {
          return Result.notDataset(notDataset);
        }
      }
      document =
          place.isPresent()
              ? DatasetJson.read(bytes, file.toString(), place.get().type())
              : DatasetJson.readAny(bytes, file.toString());
    } catch (DatasetFormatException e) {
      return Result.failed(e.getMessage());
    } catch (IOException e) {
      return Result.failed(FileErrors.describe(e, file));
    }
    Optional<NeuronId> inFile = document.neuronId();
    if (place.isEmpty()) {
      return new Result(document, inFile.orElse(null), false, null, null);
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
    return new Result(document, fromPath, inFile.isEmpty(), null, null);
  }

  /**
   * Why well-formed JSON outside the layout is plainly no dataset file (a tokenizer's vocabulary, a
   * configuration), or null when it may be one: an object with a {@code dataclass_name} marker, or
   * with at least one key some dataset type has. JSON that does not parse is left to the full
   * check, which says where it breaks.
   */
  static String notDatasetShaped(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
    if (root == null || root.isMissingNode()) {
      return null;
    }
    if (!root.isObject()) {
      return "a JSON " + (root.isArray() ? "array" : "value") + ", not an object";
    }
    if (root.has(DatasetType.MARKER_KEY)) {
      return null;
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      if (DATASET_KEYS.contains(names.next())) {
        return null;
      }
    }
    int keys = root.size();
    return keys == 0
        ? "an empty object"
        : "no dataclass_name, and none of its "
            + keys
            + (keys == 1 ? " key" : " keys")
            + " is a dataset field";
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> DATASET_KEYS =
      Arrays.stream(DatasetType.values())
          .flatMap(type -> type.fields().stream())
          .collect(Collectors.toUnmodifiableSet());
}
