package org.neuronexplainer.cli;

import java.util.function.Supplier;
import org.neuronexplainer.worker.capture.CheckpointException;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsException;
import org.neuronexplainer.worker.capture.tokenizer.TokenizerException;

/** Turns the capture package's input errors into user errors: a message, no stack trace. */
final class CaptureErrors {
  private CaptureErrors() {}

  static <T> T asUserErrors(Supplier<T> action) {
    try {
      return action.get();
    } catch (CheckpointException | TokenizerException | SafetensorsException e) {
      throw new UserException(e.getMessage());
    }
  }
}
