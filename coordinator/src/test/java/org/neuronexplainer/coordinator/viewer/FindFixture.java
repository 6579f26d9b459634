package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;

/**
 * {@link ViewerFixture}'s store with records for its other explained neurons: 6:1017 fires on every
 * sampled token and, more weakly than 21:2932, on " Canada"; 14:2203 never fires. With 21:2932's
 * record (2 of its 6 sampled tokens above 0) and 9:388's malformed one, that is one neuron of each
 * kind the token search and the density filter tell apart.
 */
final class FindFixture {

  /** 21:2932's density: its random sample has 2 tokens above 0 out of 6. */
  static final double CANADA_DENSITY = 2.0 / 6;

  private FindFixture() {}

  static Path write(Path root) throws IOException {
    ViewerFixture.write(root);
    write(
        root,
        new NeuronRecord(
            new NeuronId(6, 1017),
            List.of(
                new ActivationRecord(List.of(" on", " Monday"), new double[] {0.3, 1.2}),
                new ActivationRecord(List.of(" every", " day"), new double[] {0.1, 0.4})),
            null,
            null,
            0.5,
            0.2,
            1.0,
            0.5,
            List.of(
                new ActivationRecord(List.of(" on", " Friday"), new double[] {0.4, 3.3}),
                new ActivationRecord(List.of(" in", " Canada"), new double[] {0.2, 2.0}))));
    write(
        root,
        new NeuronRecord(
            new NeuronId(14, 2203),
            List.of(new ActivationRecord(List.of(" a", " b"), new double[] {-0.1, 0.0})),
            null,
            null,
            -0.1,
            0.01,
            0.0,
            0.0,
            List.of(new ActivationRecord(List.of(" Canada", " x"), new double[] {-0.01, -0.2}))));
    return root;
  }

  /** Adds a record that the store cannot read as one (the viewer fixture's 9:388 is the other). */
  static void writeBroken(Path root, int layer, int neuron) throws IOException {
    Path file = root.resolve("collated-activations/" + layer + "/" + neuron + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "[1, 2", StandardCharsets.UTF_8);
  }

  private static void write(Path root, NeuronRecord record) throws IOException {
    Path file =
        root.resolve(
            "collated-activations/"
                + record.neuronId().layerIndex()
                + "/"
                + record.neuronId().neuronIndex()
                + ".json");
    Files.createDirectories(file.getParent());
    DatasetJson.writeFile(file, record);
  }
}
