package org.neuronexplainer.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks the {@code --model} argument before anything heavy starts. */
final class ModelDirectory {
  private ModelDirectory() {}

  static Path require(Path model) {
    if (Files.isDirectory(model)) {
      return model;
    }
    if (Files.exists(model)) {
      throw new UserException("--model " + model + " is a file; expected a checkpoint directory");
    }
    // A bare name like gpt2 or openai-community/gpt2-xl is most likely meant as a hub id.
    throw new UserException(
        "--model "
            + model
            + ": no such directory. Hugging Face hub ids are not downloaded yet: pass a local"
            + " directory holding config.json, model.safetensors and the tokenizer files");
  }
}
