package org.neuronexplainer.cli.viewer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.cli.capture.ModelDirectory;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.coordinator.viewer.BoundedProbe;
import org.neuronexplainer.coordinator.viewer.ModelDims;
import org.neuronexplainer.coordinator.viewer.NeuronProbe;
import org.neuronexplainer.coordinator.viewer.ProbeReading;
import org.neuronexplainer.worker.capture.CheckpointException;
import org.neuronexplainer.worker.capture.Checkpoints;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.ForwardRequest;
import org.neuronexplainer.worker.capture.Hook;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import org.neuronexplainer.worker.capture.tokenizer.TokenizerException;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.simulate.Simulator;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer's "try it on your text" over the worker's subject model: the checkpoint and its
 * tokenizer loaded once, a text tokenized as capture tokenizes the corpus (after the model's BOS
 * token where it has one, which is not shown), and one layer's MLP neurons read. Where an LLM
 * endpoint is configured ({@code LLM_MODEL}, or the simulator's own {@code LLM_SIMULATOR_*}), the
 * JSON simulator predicts the activations from the explanation shown.
 */
public final class ModelProbe implements NeuronProbe {

  private static final Logger LOG = LoggerFactory.getLogger(ModelProbe.class);
  static final String NO_ENDPOINT =
      "No prediction: the viewer has no LLM endpoint to simulate with (set LLM_MODEL, and"
          + " LLM_BASE_URL and LLM_API_KEY as for a run, before starting it).";
  // Inside the page's wait, so that a slow endpoint costs the prediction, not the reading.
  private static final Duration PREDICTION_WAIT = Duration.ofSeconds(20);

  private final String name;
  private final SubjectModel model;
  private final SubjectTokenizer tokenizer;
  private final Simulator simulator;
  private final LlmClient client;

  ModelProbe(
      String name,
      SubjectModel model,
      SubjectTokenizer tokenizer,
      Simulator simulator,
      LlmClient client) {
    this.name = name;
    this.model = model;
    this.tokenizer = tokenizer;
    this.simulator = simulator;
    this.client = client;
  }

  /** The variable naming the model a coordinator's viewer tries texts with. */
  public static final String MODEL_VARIABLE = "COORDINATOR_VIEWER_MODEL";

  /**
   * The probe of a coordinator's viewer: the model {@value #MODEL_VARIABLE} names, loaded, where it
   * is set and the viewer is served; else none.
   */
  public static Optional<BoundedProbe> fromEnv(Map<String, String> env, boolean viewer) {
    String given = env.get(MODEL_VARIABLE);
    if (!viewer || given == null || given.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(open(given.strip(), MODEL_VARIABLE, env));
  }

  /**
   * Checks and loads {@code model} (a checkpoint directory or a hub id) and its tokenizer, with the
   * simulator of {@code env}'s LLM settings where they name a model, behind the default limits.
   *
   * @throws UserException in plain words, naming {@code flag}, for a checkpoint that cannot be
   *     loaded or LLM settings with a bad value
   */
  public static BoundedProbe open(String model, String flag, Map<String, String> env) {
    LlmConfig llm;
    try {
      llm = LlmConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), 2);
    }
    Path dir = ModelDirectory.require(model, flag);
    SubjectModel subject = null;
    SubjectTokenizer tokenizer = null;
    try {
      // The headers alone first: a wrong file is named before any weight is read.
      Checkpoints.check(dir);
      tokenizer = SubjectTokenizer.load(dir);
      subject = SubjectModel.load(dir, ComputeOptions.defaults());
    } catch (CheckpointException | TokenizerException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw new UserException(
          flag + ": cannot use " + model + " to try texts: " + e.getMessage(), 2);
    }
    LlmConfig endpoint = llm.simulatorEndpoint();
    LlmClient client = endpoint.model().isBlank() ? null : LlmClient.builder(endpoint).build();
    Simulator simulator =
        client == null
            ? null
            : SimulatorKind.JSON.create(endpoint.model(), ClientTransport.forNeuron(client));
    String shown =
        Path.of(model).getFileName() == null ? model : Path.of(model).getFileName().toString();
    return new BoundedProbe(
        new ModelProbe(shown, subject, tokenizer, simulator, client), BoundedProbe.Limits.DEFAULTS);
  }

  @Override
  public String describe() {
    return name + " (" + model.describeCompute() + ")";
  }

  @Override
  public ModelDims dims() {
    SubjectConfig config = model.config();
    return new ModelDims(config.layers(), config.neurons());
  }

  @Override
  public Optional<String> noPrediction() {
    return simulator == null ? Optional.of(NO_ENDPOINT) : Optional.empty();
  }

  @Override
  public ProbeReading read(NeuronId neuron, String text, String explanation) {
    SubjectConfig config = model.config();
    if (!dims().contains(neuron)) {
      throw new IllegalArgumentException(
          "The model has no neuron "
              + neuron
              + ": it has "
              + config.layers()
              + " layers of "
              + config.neurons()
              + " neurons.");
    }
    int[] ids;
    List<String> tokens;
    OptionalInt bos;
    synchronized (tokenizer) {
      ids = tokenizer.encode(text);
      tokens = tokenizer.tokenTexts(ids);
      bos = tokenizer.bosId();
    }
    int prefix = bos.isPresent() ? 1 : 0;
    if (ids.length == 0) {
      throw new IllegalArgumentException("The text has no tokens for this model.");
    }
    if (ids.length + prefix > config.positions()) {
      throw new IllegalArgumentException(
          String.format(
              "The text is %,d tokens long; the model reads at most %,d at once. Shorten it.",
              ids.length, config.positions() - prefix));
    }
    int[] input = new int[ids.length + prefix];
    if (prefix == 1) {
      input[0] = bos.getAsInt();
    }
    System.arraycopy(ids, 0, input, prefix, ids.length);
    Hook hook = Hook.mlpNeurons(neuron.layerIndex());
    FloatTensor layer =
        model
            .forward(
                new int[][] {input}, new ForwardRequest(List.of(hook), false).withPrefix(prefix))
            .hook(hook);
    double[] activations = new double[ids.length];
    for (int t = 0; t < ids.length; t++) {
      activations[t] = layer.get(0, t, neuron.neuronIndex());
    }
    if (simulator == null) {
      return new ProbeReading(tokens, activations, null, NO_ENDPOINT);
    }
    if (explanation == null || explanation.isBlank()) {
      return new ProbeReading(
          tokens,
          activations,
          null,
          "No prediction: this neuron has no explanation to predict from.");
    }
    return predicted(tokens, activations, explanation);
  }

  private ProbeReading predicted(List<String> tokens, double[] activations, String explanation) {
    try {
      SequenceSimulation simulation =
          simulator
              .simulate(explanation, tokens)
              .toCompletableFuture()
              .get(PREDICTION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return new ProbeReading(tokens, activations, simulation.expectedActivations(), null);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("no prediction for a tried text", e.getCause() == null ? e : e.getCause());
      return new ProbeReading(
          tokens,
          activations,
          null,
          e instanceof TimeoutException
              ? "No prediction: the simulator's endpoint gave none within "
                  + PREDICTION_WAIT.toSeconds()
                  + " seconds."
              : "No prediction: the simulator's endpoint failed or answered in a form that could not"
                  + " be read; the viewer's log says more.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ProbeReading(tokens, activations, null, "No prediction: the viewer is stopping.");
    }
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    tokenizer.close();
    model.close();
  }
}
