package org.neuronexplainer.cli.viewer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.RandomCheckpoint;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.ExplainAndScoreHandler;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;
import picocli.CommandLine;

/**
 * A store captured from a tiny random GPT-2, as a user makes one: the checkpoint ({@link
 * RandomCheckpoint}, with the smoke model's tokenizer), {@code capture} run through the command
 * line on a small corpus, and a baseline run (no LLM) that explains and scores every captured
 * neuron, so that neuron pages have excerpts, related tokens, explanations and scores. Built once
 * per test class under a temporary directory; {@link #activations} is an independent forward pass
 * of the same checkpoint to check what a page shows against.
 */
public final class CapturedTinyStore {

  /** Two layers, 32 wide: 128 MLP neurons a layer; 64 positions. */
  public static final int LAYERS = 2;

  public static final int NEURONS_PER_LAYER = 128;

  /** The neurons captured in each layer (0 to this minus one): enough to search among. */
  public static final int CAPTURED_PER_LAYER = 16;

  /** The id of the baseline run whose explanations the store shows. */
  public static final String RUN = "baseline";

  /** In {@link #badCopy}: the explanations file that the store cannot read, and a malformed one. */
  public static final String UNREADABLE = "explanations/1/7.jsonl";

  public static final String MALFORMED = "explanations/0/3.jsonl";

  /** In {@link #badCopy}: a baseline run over layer 0 and two neurons capture never recorded. */
  public static final String FAILED_RUN = "with-failures";

  public static final List<NeuronId> NOT_CAPTURED =
      List.of(new NeuronId(0, 40), new NeuronId(0, 41));

  private final Path model;
  private final Path store;

  private CapturedTinyStore(Path model, Path store) {
    this.model = model;
    this.store = store;
  }

  /** Writes the checkpoint under {@code dir}/tiny-gpt2 and the store under {@code dir}/store. */
  public static CapturedTinyStore build(Path dir) throws Exception {
    Path model = dir.resolve("tiny-gpt2");
    // Weights wider than GPT-2's 0.02 so that activations differ in the second decimal shown.
    new RandomCheckpoint(LAYERS, 32, 4, 512, 64, 0.2, 7)
        .write(model, Path.of("..", "examples", "smoke-model"));
    Path store = dir.resolve("store");
    capture(model, corpus(dir.resolve("corpus.txt")), store);
    explain(store);
    return new CapturedTinyStore(model, store);
  }

  public Path model() {
    return model;
  }

  public Path store() {
    return store;
  }

  /**
   * A copy of the store under {@code dir} with {@link #MALFORMED} cut short and a finished run
   * ({@link #FAILED_RUN}) whose neurons outside the capture failed: its failures file as the
   * coordinator writes it, one reason as worded now (the exception's message) and one as older
   * coordinators wrote it (with the exception's class in front). Open it through {@code
   * unreadable}, a store failing every read of {@link #UNREADABLE}.
   */
  public Path badCopy(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(store)) {
      for (Path from : (Iterable<Path>) files::iterator) {
        Path to = dir.resolve(store.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    LocalDirectoryStore blobs = new LocalDirectoryStore(dir);
    RunRecords records = new RunRecords(blobs);
    RunSpec spec =
        new RunSpec(FAILED_RUN, "store", null, null, "baseline", "baseline", "linear", null, 1);
    records.putSpec(spec);
    ExplainAndScoreHandler handler =
        new ExplainAndScoreHandler(
            records,
            new StoreNeuronRecords(blobs),
            Backends.withoutModels(),
            Duration.ofMinutes(1));
    List<NeuronId> asked = new ArrayList<>();
    for (int neuron = 0; neuron < CAPTURED_PER_LAYER; neuron++) {
      asked.add(new NeuronId(0, neuron));
    }
    asked.addAll(NOT_CAPTURED);
    List<RunFailure> failures = new ArrayList<>();
    for (NeuronId id : asked) {
      try {
        handler.run(
            new ExplainAndScoreJob(JobHeader.first(FAILED_RUN, 1), id, RunRecords.recordKey(id)));
      } catch (RuntimeException e) {
        // The coordinator keeps what the worker reported: the message, or after the last of
        // several attempts the budget spent and the message; older ones kept the class name too.
        String unit = id.layerIndex() + ":" + id.neuronIndex();
        String message =
            e instanceof PermanentException
                ? e.getMessage()
                : "attempt budget of 1 spent; last: " + e.getMessage();
        String reason = failures.isEmpty() ? message : e.getClass().getName() + ": " + message;
        failures.add(new RunFailure(unit, "explain", 1, reason));
      }
    }
    if (failures.size() != NOT_CAPTURED.size()) {
      throw new IllegalStateException("expected the uncaptured neurons to fail: " + failures);
    }
    records.putFailures(FAILED_RUN, failures);
    records.putStatus(
        new RunStatus(
            FAILED_RUN, RunState.FAILED, asked.size(), 1_700_000_000_000L, 1_700_000_100_000L));
    // Cut short after the run, which wrote the file anew.
    Files.writeString(
        dir.resolve(MALFORMED), "{\"scored_explanations\": [{\"explanation\": \"x\",");
    return dir;
  }

  /** Every neuron captured, layer by layer. */
  public List<NeuronId> neurons() {
    List<NeuronId> neurons = new ArrayList<>();
    for (int layer = 0; layer < LAYERS; layer++) {
      for (int neuron = 0; neuron < CAPTURED_PER_LAYER; neuron++) {
        neurons.add(new NeuronId(layer, neuron));
      }
    }
    return neurons;
  }

  /** The tokens of {@code text} as the model reads them, each decoded on its own. */
  public List<String> tokens(String text) {
    try (SubjectTokenizer tokenizer = SubjectTokenizer.load(model)) {
      List<String> tokens = new ArrayList<>();
      for (int id : tokenizer.encode(text)) {
        tokens.add(tokenizer.decode(new int[] {id}));
      }
      return tokens;
    }
  }

  /** The neuron's activation on each token of {@code text}: the checkpoint loaded anew, run. */
  public float[] activations(String text, NeuronId neuron) {
    try (SubjectTokenizer tokenizer = SubjectTokenizer.load(model);
        SubjectModel subject = SubjectModel.load(model, ComputeOptions.cpu())) {
      int[] ids = tokenizer.encode(text);
      FloatTensor layer = subject.forward(new int[][] {ids}).layer(neuron.layerIndex());
      float[] values = new float[ids.length];
      for (int t = 0; t < ids.length; t++) {
        values[t] = layer.get(0, t, neuron.neuronIndex());
      }
      return values;
    }
  }

  private static Path corpus(Path file) throws Exception {
    String[] lines = {
      "Snow fell on the lake while the boat waited by the shore.",
      "On Monday the market opened early and prices went up.",
      "The cat sat on the mat, and the dog ran to the river.",
      "She wrote three letters to her brother in the city.",
      "Rain in the hills filled the old well by Friday.",
    };
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      for (String line : lines) {
        text.append(line).append(' ');
      }
    }
    return Files.writeString(file, text.toString());
  }

  private static void capture(Path model, Path corpus, Path store) {
    StringWriter out = new StringWriter();
    CommandLine capture = Main.commandLine();
    capture.setOut(new PrintWriter(out, true));
    capture.setErr(new PrintWriter(out, true));
    int code =
        capture.execute(
            "capture",
            "--model",
            model.toString(),
            "--corpus",
            corpus.toString(),
            "--out",
            store.toString(),
            "--context",
            "16",
            // 20 of each: the fewest that the method's four splits of five records take.
            "--top",
            "20",
            "--random",
            "20",
            "--pool",
            "40",
            "--neurons",
            "0-" + (CAPTURED_PER_LAYER - 1),
            "--batch",
            "8",
            "--progress",
            "none",
            "--device",
            "cpu");
    if (code != 0) {
      throw new IllegalStateException("capture failed (" + code + "): " + out);
    }
  }

  /**
   * What {@code run --explainer baseline --simulator baseline} does for each neuron, in-process.
   */
  private static void explain(Path store) {
    LocalDirectoryStore blobs = new LocalDirectoryStore(store);
    RunRecords records = new RunRecords(blobs);
    RunSpec spec = new RunSpec(RUN, "store", null, null, "baseline", "baseline", "linear", null, 1);
    records.putSpec(spec);
    ExplainAndScoreHandler handler =
        new ExplainAndScoreHandler(
            records,
            new StoreNeuronRecords(blobs),
            Backends.withoutModels(),
            Duration.ofMinutes(1));
    for (int layer = 0; layer < LAYERS; layer++) {
      for (int neuron = 0; neuron < CAPTURED_PER_LAYER; neuron++) {
        NeuronId id = new NeuronId(layer, neuron);
        handler.run(new ExplainAndScoreJob(JobHeader.first(RUN, 1), id, RunRecords.recordKey(id)));
      }
    }
  }
}
