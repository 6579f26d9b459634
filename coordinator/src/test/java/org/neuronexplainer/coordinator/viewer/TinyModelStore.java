package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.ModelFile;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/**
 * A store laid out as {@code capture} writes it for the tiny GPT-2 test model (2 layers of 192 MLP
 * neurons: its {@code model.json} and {@code subject.json}, records of 0:1 and 1:5), with
 * explanations of 0:1 and 1:5, a malformed explanations file (0:3), one the store cannot read (1:7,
 * see {@link #open}), and a finished run whose records name two done neurons and one failure.
 */
final class TinyModelStore {

  static final int LAYERS = 2;
  static final int NEURONS = 192;
  static final String RUN = "tiny-run";
  static final String UNREADABLE = "explanations/1/7.jsonl";
  static final String FAILURE_REASON =
      "org.neuronexplainer.common.messaging.PermanentException: the explainer's answer had no"
          + " explanation";

  private TinyModelStore() {}

  static Path write(Path root) throws IOException {
    LocalDirectoryStore store = new LocalDirectoryStore(root);
    store.put(ModelFile.KEY, ModelFile.toJson(LAYERS, NEURONS));
    store.put(
        DatasetSubject.KEY,
        DatasetSubject.mlpNeurons("tiny-gpt2", "GPT2LMHeadModel", NEURONS, 12).toJson());
    for (NeuronId id : List.of(new NeuronId(0, 1), new NeuronId(1, 5))) {
      Path record =
          root.resolve(
              "collated-activations/" + id.layerIndex() + "/" + id.neuronIndex() + ".json");
      Files.createDirectories(record.getParent());
      DatasetJson.writeFile(record, ViewerFixture.record(id));
    }
    copy(Path.of("..", "examples", "explanations", "21", "2932.jsonl"), root, "0/1.jsonl");
    copy(Path.of("..", "examples", "explanations", "9", "388.jsonl"), root, "1/5.jsonl");
    copy(Path.of("..", "examples", "explanations", "6", "1017.jsonl"), root, "1/7.jsonl");
    Files.writeString(
        root.resolve("explanations/0/3.jsonl"),
        "{\"scored_explanations\": [{\"explanation\": \"x\",",
        StandardCharsets.UTF_8);
    RunRecords records = new RunRecords(store);
    records.putStatus(
        new RunStatus(RUN, RunState.FAILED, 3, 1_700_000_000_000L, 1_700_000_100_000L));
    records.putDone(new NeuronId(0, 1), new RunRecords.DoneMarker(RUN, "v1", 0.5));
    records.putDone(new NeuronId(1, 5), new RunRecords.DoneMarker(RUN, "v1", 0.4));
    records.putFailures(RUN, List.of(new RunFailure("1:7", "explain", 3, FAILURE_REASON)));
    return root;
  }

  /** The store at {@code root} with {@link #UNREADABLE} failing every read. */
  static BlobStore open(Path root) {
    return new UnreadableStore(new LocalDirectoryStore(root), Set.of(UNREADABLE));
  }

  private static void copy(Path from, Path root, String to) throws IOException {
    Path target = root.resolve("explanations").resolve(to);
    Files.createDirectories(target.getParent());
    Files.copy(from, target);
  }
}
