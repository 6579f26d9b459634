package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/** Building the activation index: files read once, unreadable ones named and skipped. */
class ActivationCatalogTest {

  @TempDir Path root;

  private void record(int layer, int neuron, String token) throws Exception {
    Path file = root.resolve("collated-activations/" + layer + "/" + neuron + ".json");
    Files.createDirectories(file.getParent());
    DatasetJson.writeFile(
        file,
        new NeuronRecord(
            new NeuronId(layer, neuron),
            List.of(new ActivationRecord(List.of(" a"), new double[] {1})),
            null,
            null,
            0,
            1,
            0,
            0,
            List.of(new ActivationRecord(List.of(token), new double[] {2}))));
  }

  @Test
  void anUpdateReadsOnlyTheRecordsAddedSince() throws Exception {
    record(0, 1, " red");
    record(0, 2, " blue");
    BlobStore store = new LocalDirectoryStore(root);
    ActivationCatalog first =
        ActivationCatalog.update(
            store, null, ActivationCatalog.listing(store), false, new ActivationCatalog.Progress());
    assertThat(first.index().size()).isEqualTo(2);

    record(1, 7, " red");
    var listing = ActivationCatalog.listing(store);
    assertThat(first.differsFrom(listing)).isTrue();
    ActivationCatalog.Progress progress = new ActivationCatalog.Progress();
    ActivationCatalog next = ActivationCatalog.update(store, first, listing, false, progress);
    assertThat(progress.listed()).isEqualTo(1);
    assertThat(next.index().search("red", a -> true, 0, 10).total()).isEqualTo(2);
    assertThat(next.differsFrom(ActivationCatalog.listing(store))).isFalse();
  }

  @Test
  void aRecordTheStoreCannotReadIsNamedAndTheOthersServe() throws Exception {
    record(0, 1, " red");
    record(0, 2, " red");
    BlobStore failing =
        new ForwardingStore(new LocalDirectoryStore(root)) {
          @Override
          public Optional<byte[]> get(String key) {
            if (key.equals("collated-activations/0/2.json")) {
              throw new UncheckedIOException(new java.io.IOException("disk says no"));
            }
            return super.get(key);
          }
        };
    ActivationCatalog built =
        ActivationCatalog.update(
            failing,
            null,
            ActivationCatalog.listing(failing),
            false,
            new ActivationCatalog.Progress());
    assertThat(built.index().size()).isEqualTo(1);
    assertThat(built.badFiles())
        .containsExactly("collated-activations/0/2.json: the store could not read this file");
  }
}
