package org.neuronexplainer.cli.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.json.DatasetDocument;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.dataset.json.PublicLayout;

/** Reads one dataset file for {@code validate} and checks it against its place in the layout. */
final class DatasetFileCheck {
  private DatasetFileCheck() {}

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
}
