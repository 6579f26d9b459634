package org.neuronexplainer.coordinator.viewer;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.neuronexplainer.common.dataset.NeuronId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NeuronProbe} behind the limits a page open to anyone needs: the text's length, how many
 * texts run at once (the rest are turned away at once, not queued), and how long a caller waits. A
 * pass that outlives its wait keeps its slot until it ends, so slow texts cannot pile up behind the
 * model. Owns the probe: closing this closes it.
 */
public final class BoundedProbe implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedProbe.class);

  /**
   * @param maxChars the longest text run, in characters
   * @param concurrent how many texts run at once
   * @param timeout how long a caller waits for its reading
   */
  public record Limits(int maxChars, int concurrent, Duration timeout) {
    // A few paragraphs: GPT-2 reads about four characters a token, 1,024 positions.
    public static final Limits DEFAULTS = new Limits(2_000, 2, Duration.ofSeconds(30));

    public Limits {
      if (maxChars < 1 || concurrent < 1 || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  /** A text that was not run, with the HTTP status and the words the page shows. */
  public static final class Refused extends Exception {
    private final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  // Explanations are a sentence; a longer one is not one the page sent.
  static final int MAX_EXPLANATION_CHARS = 1_000;

  private final NeuronProbe probe;
  private final Limits limits;
  private final Semaphore slots;
  private final ExecutorService passes;

  public BoundedProbe(NeuronProbe probe, Limits limits) {
    this.probe = probe;
    this.limits = limits;
    this.slots = new Semaphore(limits.concurrent());
    this.passes =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "viewer-probe");
              thread.setDaemon(true);
              return thread;
            });
  }

  public NeuronProbe probe() {
    return probe;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Runs {@code text} for {@code neuron}, or says why not.
   *
   * @throws Refused 400 for an empty or too long text or a neuron the model does not have, 503
   *     while every slot is taken, 504 when the wait ran out, 500 when the model failed
   */
  public ProbeReading read(NeuronId neuron, String text, String explanation)
      throws Refused, InterruptedException {
    check(neuron, text, explanation);
    if (!slots.tryAcquire()) {
      throw new Refused(
          503, "The model is busy with other texts right now. Try again in a few seconds.");
    }
    Future<ProbeReading> pass;
    try {
      pass =
          passes.submit(
              () -> {
                try {
                  return probe.read(neuron, text, explanation);
                } finally {
                  slots.release();
                }
              });
    } catch (RejectedExecutionException e) {
      slots.release();
      throw new Refused(503, "The viewer is shutting down.");
    }
    try {
      return pass.get(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new Refused(
          504,
          "The model gave no answer within "
              + seconds(limits.timeout())
              + " seconds. Try a shorter text, or try again later.");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IllegalArgumentException bad) {
        throw new Refused(400, bad.getMessage());
      }
      LOG.warn("the model failed on a text for {}", neuron, e.getCause());
      throw new Refused(500, "The model could not run on this text; the viewer's log says why.");
    }
  }

  private void check(NeuronId neuron, String text, String explanation) throws Refused {
    if (text == null || text.isBlank()) {
      throw new Refused(400, "Type a text for the model to read first.");
    }
    if (text.length() > limits.maxChars()) {
      throw new Refused(
          400,
          String.format(
              "The text is %,d characters long; at most %,d are run at once. Shorten it.",
              text.length(), limits.maxChars()));
    }
    if (explanation != null && explanation.length() > MAX_EXPLANATION_CHARS) {
      throw new Refused(
          400, "The explanation is longer than " + MAX_EXPLANATION_CHARS + " characters.");
    }
    ModelDims dims = probe.dims();
    if (!dims.contains(neuron)) {
      throw new Refused(
          400,
          "The model has no neuron "
              + neuron.layerIndex()
              + ":"
              + neuron.neuronIndex()
              + ": it has "
              + dims.layers()
              + " layers of "
              + dims.neuronsPerLayer()
              + " neurons.");
    }
  }

  private static String seconds(Duration wait) {
    long millis = wait.toMillis();
    return millis % 1000 == 0
        ? Long.toString(millis / 1000)
        : String.format("%.1f", millis / 1000.0);
  }

  @Override
  public void close() {
    passes.shutdownNow();
    try {
      // A pass still running holds the model's native memory: let it end before freeing it.
      if (!passes.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("a pass of the try-it model is still running; freeing the model anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      probe.close();
    }
  }
}
