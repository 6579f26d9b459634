package org.neuronexplainer.worker.capture.run;

import java.util.OptionalLong;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.corpus.Excerpts;

/**
 * How many excerpts one forward pass takes when the capture is not told ({@link #AUTO}): as many as
 * the device's free memory holds, with a margin, in whole {@link Excerpts#BLOCK}s of excerpts.
 *
 * <p>A pass holds, per excerpt, the activations of every kept hook, the device reduction's buffers
 * for one hook at a time (where the statistics start on the device) and the model's own working
 * memory; where the statistics start on the host, every kept activation is also copied into the
 * host's arrays, one batch's worth per set of buffers. On the CPU the forward pass gains nothing
 * from larger batches and the batch stays at {@link #CPU}, the size capture always used there.
 */
public final class BatchSize {
  /** The batch size that asks for this choice. */
  public static final int AUTO = 0;

  /** The batch on the CPU, where the pass is compute-bound: larger batches only take memory. */
  public static final int CPU = 8;

  /** The largest batch chosen: beyond it a GPU's pass is no faster per token. */
  public static final int MAX = 1024;

  /** The share of the free memory a batch may plan for; the rest is the margin. */
  static final double USABLE = 0.75;

  /**
   * Bytes per activation of one hook that the device reduction holds at its peak: the float32 copy,
   * its float64 widening, the squares, the cube and fourth power being summed, the fixed-point
   * int64 values, those gathered by token and their running sums.
   */
  static final int REDUCTION_BYTES = 4 + 7 * 8;

  /** Width of an attention head assumed when counting the attention scores' memory. */
  static final int HEAD_WIDTH = 64;

  private BatchSize() {}

  /**
   * What one pass holds for each of its excerpts.
   *
   * @param keptHooks the hooks whose activations the pass keeps (one per captured layer)
   * @param width the activations per position at a kept hook (the MLP's neurons)
   * @param hidden the residual stream's width
   * @param positions positions per excerpt, a BOS token included
   * @param bytes bytes per activation in the pass's precision
   * @param onDevice whether the statistics start on the device (reduced there, not copied)
   * @param buffers the sets of host arrays that take turns (2 when statistics overlap the pass)
   */
  public record Pass(
      int keptHooks,
      int width,
      int hidden,
      int positions,
      int bytes,
      boolean onDevice,
      int buffers) {

    /** Device bytes per excerpt: the kept activations, the reduction, the model's working set. */
    public long deviceBytes() {
      long kept = (long) keptHooks * positions * width * bytes;
      long reduction = onDevice && keptHooks > 0 ? (long) positions * width * REDUCTION_BYTES : 0;
      long heads = Math.max(1, hidden / HEAD_WIDTH);
      // Residual stream, attention's q, k, v and output, the MLP's input and output, the scores.
      long working =
          ((long) 6 * positions * hidden
                  + 2L * positions * width
                  + 2L * heads * positions * positions)
              * bytes;
      return kept + reduction + working;
    }

    /** Host bytes per excerpt: every kept activation in float32 per set of buffers, or none. */
    public long hostBytes() {
      return onDevice ? 0 : (long) buffers * keptHooks * positions * width * 4;
    }
  }

  /** A chosen size and what it came from, for the capture's log and the benchmark's report. */
  public record Choice(int size, String reason) {
    @Override
    public String toString() {
      return size + " (" + reason + ")";
    }
  }

  /**
   * The batch for {@code pass}: on a GPU reporting {@code deviceFree} bytes, the most excerpts
   * whose device bytes fit {@link #USABLE} of it and whose host bytes fit that of {@code hostFree},
   * rounded down to whole blocks of {@link Excerpts#BLOCK} (at most {@link #MAX}), or below one
   * block to the largest power of two, which divides it; at least 1. Without a GPU, {@link #CPU}.
   */
  public static Choice choose(Pass pass, OptionalLong deviceFree, long hostFree) {
    if (deviceFree.isEmpty()) {
      return new Choice(CPU, "the CPU's batch");
    }
    long device = (long) (deviceFree.getAsLong() * USABLE);
    long fits = device / pass.deviceBytes();
    String bound = "of " + mib(deviceFree.getAsLong()) + " free on the device";
    if (pass.hostBytes() > 0) {
      long host = (long) (hostFree * USABLE) / pass.hostBytes();
      if (host < fits) {
        fits = host;
        bound = "of " + mib(hostFree) + " free on the host";
      }
    }
    int size;
    if (fits >= Excerpts.BLOCK) {
      size = (int) Math.min(MAX, fits / Excerpts.BLOCK * Excerpts.BLOCK);
    } else {
      size = fits < 1 ? 1 : Integer.highestOneBit((int) fits);
    }
    return new Choice(
        size,
        String.format(
            "%.0f%% %s at %.2f MiB an excerpt%s",
            USABLE * 100,
            bound,
            pass.deviceBytes() / (double) (1 << 20),
            size == MAX ? ", capped" : ""));
  }

  /** The batch a capture of {@code model} runs: {@code requested}, or the chosen one for AUTO. */
  public static Choice resolve(
      int requested, SubjectModel model, int keptHooks, int positions, boolean onDevice) {
    if (requested != AUTO) {
      return new Choice(requested, "as set");
    }
    SubjectConfig config = model.config();
    Pass pass =
        new Pass(
            keptHooks,
            config.neurons(),
            config.hiddenSize(),
            positions,
            model.bytesPerActivation(),
            onDevice,
            CaptureRunner.overlap(model) ? 2 : 1);
    Runtime runtime = Runtime.getRuntime();
    long hostFree = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    OptionalLong deviceFree = model.onGpu() ? model.freeDeviceBytes() : OptionalLong.empty();
    if (model.onGpu() && deviceFree.isEmpty()) {
      return new Choice(Excerpts.BLOCK, "a block: the GPU reports no free memory");
    }
    return choose(pass, deviceFree, hostFree);
  }

  private static String mib(long bytes) {
    return Long.toString(bytes >> 20);
  }
}
