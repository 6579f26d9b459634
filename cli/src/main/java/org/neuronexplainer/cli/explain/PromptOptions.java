package org.neuronexplainer.cli.explain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.storage.FileErrors;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.fewshot.FewShotExamples;
import org.neuronexplainer.worker.fewshot.FewShotFile;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptTexts;
import picocli.CommandLine.Option;

/**
 * What the prompts are made from besides the neuron's data: the options shared by every command
 * that builds prompts. Files are read and checked completely before anything else is done; a bad
 * one is a usage error (exit status 2) naming the flag, the file and the problem.
 */
public final class PromptOptions {

  @Option(
      names = "--prompt-texts",
      paramLabel = "FILE",
      description =
          "The prompts' fixed texts from this JSON file instead of the project's own"
              + " (docs/llm.md, \"Prompt texts and few-shot sets\").")
  Path promptTexts;

  @Option(
      names = "--few-shot",
      paramLabel = "FILE",
      description = "A few-shot set for both the explainer and the simulator.")
  Path fewShot;

  @Option(
      names = "--explainer-few-shot",
      paramLabel = "FILE",
      description = "The explainer's few-shot set (over --few-shot).")
  Path explainerFewShot;

  @Option(
      names = "--simulator-few-shot",
      paramLabel = "FILE",
      description = "The simulator's few-shot set (over --few-shot).")
  Path simulatorFewShot;

  @Option(
      names = "--escape-tokens",
      description =
          "Escape token text in prompts (newlines, tabs, <start>, <|...|>) so that dataset text"
              + " cannot fake the prompt's markers. Default: raw, as the original.")
  boolean escapeTokens;

  /**
   * What the prompts were made from: the inputs the backends read and the records a run spec keeps
   * (null where the backends use none).
   */
  public record Chosen(
      PromptInputs inputs, RunInput texts, RunInput explainerSet, RunInput simulatorSet) {}

  /**
   * The files read and checked for {@code explainer} and {@code simulator} (either may be null when
   * the command builds only the other's prompts).
   *
   * @throws UserException with exit status 2 for a file that is missing or invalid
   */
  public Chosen read(ExplainerKind explainer, SimulatorKind simulator) {
    boolean explainerPrompts = explainer != null && explainer.needsModel();
    boolean simulatorPrompts = simulator != null && simulator.needsModel();
    PromptTexts texts = PromptTexts.defaults();
    RunInput textsRecord = RunInput.of(PromptTexts.DEFAULT_NAME, PromptTexts.defaultBytes());
    if (promptTexts != null) {
      byte[] bytes = bytes("--prompt-texts", promptTexts);
      try {
        texts = PromptTexts.parse(bytes, promptTexts.toString());
      } catch (IllegalArgumentException e) {
        throw new UserException("--prompt-texts: " + e.getMessage(), 2);
      }
      textsRecord = RunInput.of(promptTexts.getFileName().toString(), bytes);
    }
    Path explainerFile = explainerFewShot != null ? explainerFewShot : fewShot;
    String explainerFlag = explainerFewShot != null ? "--explainer-few-shot" : "--few-shot";
    FewShotExamples explainerSet = null;
    RunInput explainerRecord = null;
    if (explainerPrompts && explainerFile != null) {
      byte[] bytes = bytes(explainerFlag, explainerFile);
      explainerSet = fewShot(explainerFlag, explainerFile, bytes);
      try {
        explainer.checkExamples(explainerSet);
      } catch (IllegalArgumentException e) {
        throw new UserException(explainerFlag + " " + explainerFile + ": " + e.getMessage(), 2);
      }
      explainerRecord = RunInput.of(explainerFile.getFileName().toString(), bytes);
    } else if (explainer == ExplainerKind.TOKEN_ACTIVATION_PAIR) {
      explainerRecord = bundled(FewShotSet.EXPLANATION);
    }
    Path simulatorFile = simulatorFewShot != null ? simulatorFewShot : fewShot;
    String simulatorFlag = simulatorFewShot != null ? "--simulator-few-shot" : "--few-shot";
    FewShotExamples simulatorSet = null;
    RunInput simulatorRecord = null;
    if (simulatorPrompts && simulatorFile != null) {
      byte[] bytes = bytes(simulatorFlag, simulatorFile);
      simulatorSet = fewShot(simulatorFlag, simulatorFile, bytes);
      try {
        simulator.checkExamples(simulatorSet);
      } catch (IllegalArgumentException e) {
        throw new UserException(simulatorFlag + " " + simulatorFile + ": " + e.getMessage(), 2);
      }
      simulatorRecord = RunInput.of(simulatorFile.getFileName().toString(), bytes);
    } else if (simulatorPrompts) {
      simulatorRecord =
          bundled(
              simulator == SimulatorKind.ALL_AT_ONCE
                  ? FewShotSet.EXPLANATION
                  : FewShotSet.SIMULATION);
    }
    return new Chosen(
        new PromptInputs(texts, explainerSet, simulatorSet, escapeTokens),
        explainerPrompts || simulatorPrompts ? textsRecord : null,
        explainerRecord,
        simulatorRecord);
  }

  /** Whether token text is escaped. */
  public boolean escapeTokens() {
    return escapeTokens;
  }

  private static RunInput bundled(FewShotSet set) {
    return RunInput.of(set.recordedName(), set.bytes());
  }

  private static FewShotExamples fewShot(String flag, Path file, byte[] bytes) {
    try {
      return FewShotFile.parse(bytes, file.toString());
    } catch (IllegalArgumentException e) {
      throw new UserException(flag + ": " + e.getMessage(), 2);
    }
  }

  private static byte[] bytes(String flag, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserException(flag + ": " + file + ": no such file", 2);
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UserException(flag + ": " + FileErrors.describe(e, file), 2);
    }
  }
}
