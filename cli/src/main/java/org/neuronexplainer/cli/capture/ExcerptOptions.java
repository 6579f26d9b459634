package org.neuronexplainer.cli.capture;

import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.worker.capture.run.BatchSize;
import picocli.CommandLine.Option;

/**
 * How a capture cuts the corpus, what it keeps per neuron and how it runs the model: shared by
 * {@code capture} and the capture runs of {@code run} and {@code submit}, with the same defaults.
 */
public final class ExcerptOptions {

  @Option(names = "--context", defaultValue = "64", description = "Tokens per excerpt (64).")
  public int context;

  @Option(
      names = "--max-excerpts",
      paramLabel = "N",
      defaultValue = "0",
      description = "Use at most N excerpts (0: all; the paper used 50000).")
  public int maxExcerpts;

  @Option(names = "--top", defaultValue = "50", description = "Top excerpts per neuron (50).")
  public int top;

  @Option(
      names = "--random",
      defaultValue = "50",
      description = "Excerpts in the random sample and in each quantile bucket (50).")
  public int random;

  @Option(
      names = "--pool",
      defaultValue = "250",
      description =
          "Per-neuron uniform sample the random sample and quantile buckets come from (250);"
              + " quantiles are exact when the corpus has at most this many excerpts.")
  public int pool;

  @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (0).")
  public long seed;

  @Option(
      names = "--quantile-keys",
      defaultValue = "" + CaptureRun.DEFAULT_QUANTILE_KEYS,
      paramLabel = "K",
      description =
          "Highest excerpt maxima kept per neuron, 8 bytes each (512): a boundary whose rank"
              + " from the top is below K is exact; K > N/2 makes all four exact.")
  public int quantileKeys;

  @Option(
      names = "--quantiles",
      defaultValue = CaptureRun.ONE_PASS,
      paramLabel = "MODE",
      description =
          "one-pass: quantile buckets sampled from the pool; two-pass: a second pass over the"
              + " corpus samples every bucket among all its members (twice the forward passes;"
              + " only in one `capture` process: not with --shard, --partials-only or a run).")
  public String quantiles;

  @Option(
      names = "--batch",
      defaultValue = "auto",
      paramLabel = "N|auto",
      description =
          "Excerpts per forward pass; auto (the default): 8 on the CPU, on a GPU as many as its"
              + " free memory holds, in whole blocks of 64. Below 64, keep it a divisor of 64 for"
              + " sharded runs.")
  public String batch;

  /** The {@code --batch} excerpts per pass, or {@link BatchSize#AUTO}. */
  public int batch() {
    if (batch.equalsIgnoreCase("auto")) {
      return BatchSize.AUTO;
    }
    try {
      int size = Integer.parseInt(batch.trim());
      if (size >= 1) {
        return size;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new UserException("--batch must be auto or at least 1: " + batch);
  }

  @Option(names = "--precision", defaultValue = "float32", description = "float32 or float16.")
  public String precision;
}
