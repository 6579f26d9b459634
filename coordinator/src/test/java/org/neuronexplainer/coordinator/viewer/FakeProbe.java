package org.neuronexplainer.coordinator.viewer;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * A probe without a model, for the routes and the page: a text's tokens are its words (each with
 * the space before it), and a neuron's activation on a token is the token's length times the
 * neuron's number, so that a test knows every value. A text with "slow" in it waits for {@link
 * #release}.
 */
final class FakeProbe implements NeuronProbe {

  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch started = new CountDownLatch(1);
  final AtomicBoolean closed = new AtomicBoolean();
  private final boolean predicts;
  private final ModelDims dims;

  FakeProbe(boolean predicts) {
    this(predicts, new ModelDims(2, 8));
  }

  FakeProbe(boolean predicts, ModelDims dims) {
    this.predicts = predicts;
    this.dims = dims;
  }

  static List<String> tokens(String text) {
    return Arrays.asList(text.split("(?= )"));
  }

  static double activation(String token, NeuronId neuron) {
    return token.strip().length() * (neuron.neuronIndex() + 1) / 10.0;
  }

  @Override
  public String describe() {
    return "a fake model";
  }

  @Override
  public ModelDims dims() {
    return dims;
  }

  @Override
  public Optional<String> noPrediction() {
    return predicts ? Optional.empty() : Optional.of("No LLM endpoint is configured.");
  }

  @Override
  public ProbeReading read(NeuronId neuron, String text, String explanation) {
    if (text.contains("slow")) {
      started.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<String> tokens = tokens(text);
    if (tokens.size() > 50) {
      throw new IllegalArgumentException("The text is " + tokens.size() + " tokens long.");
    }
    double[] activations = tokens.stream().mapToDouble(t -> activation(t, neuron)).toArray();
    if (!predicts || explanation == null) {
      return new ProbeReading(tokens, activations, null, "No LLM endpoint is configured.");
    }
    List<String> words = Arrays.asList(explanation.split(" "));
    double[] predicted =
        tokens.stream().mapToDouble(t -> words.contains(t.strip()) ? 10 : 0).toArray();
    return new ProbeReading(tokens, activations, predicted, null);
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
