package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.messaging.CaptureJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.LayerRange;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.CaptureKeys;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.run.CaptureLayout;
import org.neuronexplainer.worker.capture.tokenizer.Gpt2Tokenizer;

/** The corpus cut once into stored shards, and the capture job's output check. */
class CorpusShardsTest {

  private static Gpt2Tokenizer tokenizer;
  @TempDir Path dir;

  @BeforeAll
  static void tokenizer() {
    // The smoke model's tokenizer, shipped in the repository.
    tokenizer = Gpt2Tokenizer.load(Path.of("..", "examples", "smoke-model"));
  }

  private Path corpus() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      text.append("On Monday the river ran past the kitchen, and on day ").append(i).append(". ");
    }
    return Files.writeString(dir.resolve("c.txt"), text);
  }

  private static CaptureRun capture(List<String> files, int shards) {
    return CaptureRun.of("model", files).withContext(8).withShards(shards).withBatch(8);
  }

  @Test
  void theCorpusIsCutOnceIntoShardsWhoseUnionIsTheCorpus() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    Path file = corpus();
    CaptureRun capture = capture(List.of(file.toString()), 3);
    Excerpts whole = Excerpts.cut(List.of(file), tokenizer::encode, 8, 0);
    assertThat(whole.count()).as("several blocks of 64").isGreaterThan(2 * 64);

    CorpusShards.Manifest manifest = CorpusShards.prepare(store, "r", capture, tokenizer);
    assertThat(manifest).isEqualTo(new CorpusShards.Manifest(whole.count(), 8, 3));
    TreeSet<Integer> seen = new TreeSet<>();
    for (int shard = 0; shard < 3; shard++) {
      CorpusShards.Shard s = CorpusShards.read(store, CaptureKeys.corpusShard("r", shard, 3));
      assertThat(s.ids()).containsExactly(whole.shard(shard, 3));
      Excerpts view = CorpusShards.view(manifest, s);
      assertThat(view.count()).isEqualTo(whole.count());
      for (int i = 0; i < s.ids().length; i++) {
        assertThat(view.tokens(s.ids()[i])).containsExactly(whole.tokens(s.ids()[i]));
        seen.add(s.ids()[i]);
      }
    }
    assertThat(seen).hasSize(whole.count());

    // Later jobs read the stored shards: the corpus file is not needed any more.
    Files.delete(file);
    assertThat(CorpusShards.prepare(store, "r", capture, tokenizer)).isEqualTo(manifest);
  }

  @Test
  void anUnreadableCorpusFailsForGoodAndWritesNothing() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    CaptureRun capture =
        capture(List.of(corpus().toString(), dir.resolve("gone.jsonl").toString()), 2);
    assertThatThrownBy(() -> CorpusShards.prepare(store, "r", capture, tokenizer))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("gone.jsonl");
    assertThat(store.list("runs/")).isEmpty();
    assertThatThrownBy(
            () -> CorpusShards.prepare(store, "r", capture(List.of("store:x.txt"), 1), tokenizer))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("no file x.txt in the store");
  }

  @Test
  void aCaptureJobWhosePartialsAllExistIsDone() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    RunRecords records = new RunRecords(store);
    records.putSpec(
        new RunSpec("r", null, null, null, null, null, null, null, 0)
            .withCapture(capture(List.of("c.txt"), 2)));
    CaptureHandler handler = new CaptureHandler(records, null, null);
    CaptureJob job =
        new CaptureJob(
            JobHeader.first("r", 3),
            new LayerRange(2, 3),
            1,
            CaptureKeys.corpusShard("r", 1, 2),
            CaptureKeys.partialsPrefix("r"));
    store.put(CaptureLayout.partial("r", 2, 1, 2), new byte[] {1});
    assertThat(handler.outputExists(job)).isFalse();
    store.put(CaptureLayout.partial("r", 3, 0, 2), new byte[] {1});
    assertThat(handler.outputExists(job)).as("another shard's partial").isFalse();
    store.put(CaptureLayout.partial("r", 3, 1, 2), new byte[] {1});
    assertThat(handler.outputExists(job)).isTrue();
    assertThat(new ArrayList<>(store.list(CaptureKeys.partialsPrefix("r")))).hasSize(3);
  }
}
