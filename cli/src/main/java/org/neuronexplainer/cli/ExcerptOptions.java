package org.neuronexplainer.cli;

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
      names = "--batch",
      defaultValue = "8",
      description = "Excerpts per forward pass (8); keep it a divisor of 64 for sharded runs.")
  public int batch;

  @Option(names = "--precision", defaultValue = "float32", description = "float32 or float16.")
  public String precision;
}
