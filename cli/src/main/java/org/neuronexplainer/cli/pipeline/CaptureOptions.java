package org.neuronexplainer.cli.pipeline;

import java.nio.file.Path;
import java.util.List;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.cli.capture.ExcerptOptions;
import org.neuronexplainer.common.run.CaptureRun;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of a capture run ({@code run --capture}, {@code submit --model ...}): what {@link
 * CaptureRun} holds, with its defaults.
 */
public final class CaptureOptions {

  @Option(
      names = "--model",
      paramLabel = "DIR|ID",
      description =
          "capture the NeuronRecords from this GPT-2 (a checkpoint directory or a hub id) instead"
              + " of reading them from the store")
  String model;

  @Option(
      names = "--corpus",
      arity = "1..*",
      paramLabel = "FILE",
      description =
          "corpus files of a capture run: .jsonl ({\"text\": ...} per line) or UTF-8 text;"
              + " store:KEY for a file in the store")
  List<String> corpus;

  @Option(names = "--shards", defaultValue = "1", description = "corpus shards (1)")
  int shards;

  @Option(
      names = "--layers-per-job",
      defaultValue = "0",
      description = "layers per capture job (0: a whole contiguous range)")
  int layersPerJob;

  @Option(
      names = "--collate-block",
      defaultValue = "512",
      description = "neurons per collate job (512)")
  int collateBlock;

  @Option(
      names = "--weights",
      description = "also write weight-based token summaries and related neurons")
  boolean weights;

  @Option(names = "--weights-top", defaultValue = "20", description = "K per weights list (20)")
  int weightsTop;

  @Mixin ExcerptOptions excerpt;

  /** True when a capture option that names the input was given. */
  boolean given() {
    return model != null || corpus != null;
  }

  /**
   * The capture settings; relative corpus paths become absolute (the worker may run elsewhere).
   *
   * @param modelRef the model as the run names it
   * @param files the corpus entries
   */
  CaptureRun toCapture(String modelRef, List<String> files) {
    return build(
        modelRef,
        files.stream()
            .map(
                f ->
                    f.startsWith(CaptureRun.STORE_PREFIX)
                        ? f
                        : Path.of(f).toAbsolutePath().normalize().toString())
            .toList());
  }

  /** The settings with the model and corpus as given, for a coordinator elsewhere. */
  CaptureRun toCaptureAsGiven() {
    return build(model, corpus);
  }

  private CaptureRun build(String modelRef, List<String> corpusEntries) {
    try {
      CaptureRun capture =
          new CaptureRun(
              modelRef,
              corpusEntries,
              excerpt.context,
              excerpt.maxExcerpts,
              excerpt.top,
              excerpt.random,
              excerpt.pool,
              excerpt.seed,
              shards,
              layersPerJob,
              collateBlock,
              excerpt.batch(),
              excerpt.precision,
              weights,
              weightsTop,
              excerpt.quantileKeys,
              excerpt.quantiles,
              null);
      capture.requirePipelineQuantiles();
      return capture;
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }
}
