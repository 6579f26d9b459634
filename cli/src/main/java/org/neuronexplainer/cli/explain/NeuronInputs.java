package org.neuronexplainer.cli.explain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetFormatException;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.FileErrors;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.simulate.calibration.CalibrationMethod;

/** Reading a command's inputs, with every bad value reported as a {@link UserException}. */
final class NeuronInputs {
  private NeuronInputs() {}

  static NeuronRecord record(Path file) {
    return read(file, NeuronRecord.class, "a NeuronRecord (collated-activations) file");
  }

  /** The token lookup table for the token-space explainer; null when no file is given. */
  static TokenLookupTableSummaryOfNeuron tokenSummary(Path file) {
    return file == null
        ? null
        : read(file, TokenLookupTableSummaryOfNeuron.class, "a token lookup table file");
  }

  private static <T> T read(Path file, Class<T> type, String what) {
    if (!Files.isRegularFile(file)) {
      throw new UserException(file + ": no such file (expected " + what + ")");
    }
    try {
      return DatasetJson.read(file, type);
    } catch (DatasetFormatException e) {
      throw new UserException(file + ": not " + what + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UserException("cannot read " + what + ": " + FileErrors.describe(e, file));
    }
  }

  static ExplainerKind explainer(String name) {
    try {
      return ExplainerKind.fromConfigName(name);
    } catch (IllegalArgumentException e) {
      throw new UserException("--explainer: " + e.getMessage());
    }
  }

  static SimulatorKind simulator(String name) {
    try {
      return SimulatorKind.fromConfigName(name);
    } catch (IllegalArgumentException e) {
      throw new UserException("--simulator: " + e.getMessage());
    }
  }

  static CalibrationMethod calibration(String name) {
    try {
      return CalibrationMethod.fromConfigName(name);
    } catch (IllegalArgumentException e) {
      throw new UserException("--calibration: " + e.getMessage());
    }
  }

  /** {@code chat}, {@code completion} (a plain prompt) or {@code instruction}; null: null. */
  static PromptFormat format(String name) {
    if (name == null) {
      return null;
    }
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "chat" -> PromptFormat.CHAT;
      case "completion" -> PromptFormat.NONE;
      case "instruction" -> PromptFormat.INSTRUCTION_FOLLOWING;
      default ->
          throw new UserException(
              "--format: unknown format \""
                  + name
                  + "\" (expected chat, completion or instruction)");
    };
  }
}
