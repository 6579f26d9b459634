package org.neuronexplainer.cli.explain;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.json.DatasetJson;

/** Writes an explanations file atomically: a reader sees the old file or the whole new one. */
final class ResultsFile {
  private ResultsFile() {}

  static void write(Path file, NeuronSimulationResults results) {
    Path target = file.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".explain-neuron-", ".tmp");
      try {
        Files.write(temp, DatasetJson.toBytes(results, target.getFileName().toString()));
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UserException(file + ": cannot write: " + e.getMessage());
    }
  }
}
