package org.neuronexplainer.cli.capture;

import java.util.function.Supplier;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.run.Selection;
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

  /**
   * The indices a {@code --layers} or {@code --neurons} flag picks among {@code 0..count-1} ({@code
   * all}, 5, 0,2 or 0-99); a bad or missing index is a user error naming the flag and the part.
   */
  static int[] select(String text, String flag, int count, String unit) {
    try {
      return Selection.within(text, flag, count, unit);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }
}
