package org.neuronexplainer.worker.capture.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.ForwardRequest;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.Gpt2Model;
import org.neuronexplainer.worker.capture.Hook;
import org.neuronexplainer.worker.capture.Sae;
import org.neuronexplainer.worker.capture.SaeFiles;
import org.neuronexplainer.worker.capture.SaeFixture;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.tokenizer.Gpt2Tokenizer;

/** Capture of SAE latents on the tiny GPT-2: several SAEs on one pass, dead latents, shards. */
class SaeCaptureTest {
  static final int CONTEXT = 16;
  static final int BATCH = 8;
  static final int WIDTH = 24;
  static final int DEAD = 5;
  static final CaptureSettings SETTINGS =
      CaptureSettings.defaults()
          .withContext(CONTEXT)
          .withTop(5)
          .withTokenTables(10, 2)
          .withSamples(5, 30)
          .withSeed(3);

  static Gpt2Model model;
  static Gpt2Tokenizer tokenizer;
  static Excerpts excerpts;
  static SaeFixture standard;
  static SaeFixture topk;
  static Sae standardSae;
  static Sae topkSae;

  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    Path fixture = Fixtures.hfGpt2Reference();
    model = Gpt2Model.load(fixture, ComputeOptions.cpu());
    tokenizer = Gpt2Tokenizer.load(fixture);
    excerpts = Excerpts.cut(List.of(TinyCorpus.write(dir)), tokenizer::encode, CONTEXT, 0);
    // Two SAEs on layer 1: one reads its input, one its MLP's output.
    standard =
        SaeFixture.random("standard", "blocks.1.hook_resid_pre", model.config(), WIDTH, 21)
            .withDeadLatent(DEAD);
    topk = SaeFixture.random("topk", "blocks.1.hook_mlp_out", model.config(), WIDTH, 22);
    standardSae = model.loadSae(SaeFiles.open("res-1", standard.write(dir.resolve("res-1"))));
    topkSae = model.loadSae(SaeFiles.open("mlp-1", topk.write(dir.resolve("mlp-1"))));
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  static CaptureJob job(int shard, int shards, boolean partials) {
    return new CaptureJob(
        "r", "tiny", List.of("c"), shard, shards, new int[0], null, SETTINGS, BATCH, partials);
  }

  static Capture.Outcome capture(BlobStore store, CaptureJob job, Sae... saes) {
    List<Capture.SaeTarget> targets = new ArrayList<>();
    for (Sae sae : saes) {
      targets.add(new Capture.SaeTarget(sae, store.under(DatasetSubject.saeFolder(sae.name()))));
    }
    return Capture.runSaes(model, tokenizer, excerpts, job, targets, CaptureProgress.NONE);
  }

  @Test
  void twoSaesOnOneLayerAreCapturedOnOnePassEachIntoItsFolder() throws Exception {
    BlobStore store = new InMemoryBlobStore();
    Capture.Outcome outcome = capture(store, job(0, 1, false), standardSae, topkSae);

    assertThat(outcome.deadLatents()).containsEntry("res-1", List.of(DEAD));
    BlobStore res = store.under("saes/res-1/");
    BlobStore mlp = store.under("saes/mlp-1/");
    DatasetSubject subject =
        DatasetSubject.fromJson(res.get(DatasetSubject.KEY).orElseThrow(), "subject.json");
    assertThat(subject.holdsSaeLatents()).isTrue();
    assertThat(subject.hook()).isEqualTo("blocks.1.hook_resid_pre");
    assertThat(subject.layer()).isEqualTo(1);
    assertThat(subject.width()).isEqualTo(WIDTH);
    assertThat(subject.saeArchitecture()).isEqualTo("standard");
    assertThat(subject.excerpts()).isEqualTo(excerpts.count());
    assertThat(subject.deadLatents()).containsExactly(DEAD);
    assertThat(res.exists(CaptureLayout.neuronRecord(1, DEAD))).isFalse();
    assertThat(res.exists(CaptureLayout.tokenTable(1, DEAD))).isFalse();
    assertThat(res.list("collated-activations/1/")).hasSize(WIDTH - 1);
    assertThat(mlp.list("collated-activations/1/"))
        .hasSize(WIDTH - outcome.deadLatents().get("mlp-1").size());
    assertThat(store.list("collated-activations/")).as("nothing at the model's root").isEmpty();
    assertThat(outcome.neuronsWritten())
        .isEqualTo(2 * WIDTH - 1 - outcome.deadLatents().get("mlp-1").size());

    // The top activation of each latent, against the float64 encoder over the whole corpus.
    double[][] maxima = bruteForceMaxima();
    for (int latent = 0; latent < WIDTH; latent++) {
      if (latent != DEAD) {
        assertThat(topMax(res, latent))
            .as("res-1 latent %d", latent)
            .isCloseTo(maxima[0][latent], within(1e-4));
      }
      if (mlp.exists(CaptureLayout.neuronRecord(1, latent))) {
        assertThat(topMax(mlp, latent))
            .as("mlp-1 latent %d", latent)
            .isCloseTo(maxima[1][latent], within(1e-4));
      }
    }
  }

  @Test
  void aShardedSaeCaptureCollatesToWhatOnePassWrites() {
    BlobStore single = new InMemoryBlobStore();
    capture(single, job(0, 1, false), standardSae);
    BlobStore sharded = new InMemoryBlobStore();
    capture(sharded, job(0, 2, false), standardSae);
    capture(sharded, job(1, 2, false), standardSae);
    BlobStore folder = sharded.under("saes/res-1/");
    assertThat(folder.list("runs/r/partials/layer-1/")).hasSize(2);

    Collator.collate(folder, "r", tokenizer);

    BlobStore one = single.under("saes/res-1/");
    List<String> keys = new ArrayList<>(one.list("collated-activations/"));
    keys.addAll(one.list("related-tokens/"));
    keys.add(DatasetSubject.KEY);
    for (String key : keys) {
      assertThat(folder.get(key).orElseThrow()).as(key).isEqualTo(one.get(key).orElseThrow());
    }
    assertThat(folder.list("collated-activations/"))
        .hasSameSizeAs(one.list("collated-activations/"));
  }

  @Test
  void aShardedRunOfTwoSaesOrTwoOfOneNameIsRefusedBeforeAnyWork() {
    BlobStore store = new InMemoryBlobStore();
    assertThatThrownBy(() -> capture(store, job(0, 2, false), standardSae, topkSae))
        .hasMessageContaining("reads one SAE per run");
    assertThatThrownBy(() -> capture(store, job(0, 1, true), standardSae, topkSae))
        .hasMessageContaining("reads one SAE per run");
    assertThatThrownBy(() -> capture(store, job(0, 1, false), standardSae, standardSae))
        .hasMessageContaining("two SAEs are named res-1");
    CaptureJob tooWide =
        new CaptureJob(
            "r", "tiny", List.of("c"), 0, 1, new int[0], new int[] {WIDTH}, SETTINGS, BATCH, false);
    assertThatThrownBy(() -> capture(store, tooWide, standardSae))
        .hasMessageContaining("latent " + WIDTH + " does not exist (SAE res-1 has latents 0..23)");
    assertThat(store.list("")).as("nothing written").isEmpty();
  }

  private static double topMax(BlobStore store, int latent) throws Exception {
    String key = CaptureLayout.neuronRecord(1, latent);
    NeuronRecord record = DatasetJson.read(store.get(key).orElseThrow(), key, NeuronRecord.class);
    double max = Double.NEGATIVE_INFINITY;
    for (double a : record.mostPositiveActivationRecords().get(0).activations()) {
      max = Math.max(max, a);
    }
    return max;
  }

  /** [sae][latent]: the largest latent over the corpus, by the float64 encoder. */
  private static double[][] bruteForceMaxima() {
    double[][] maxima = new double[2][WIDTH];
    Hook pre = Hook.parse("blocks.1.hook_resid_pre");
    Hook out = Hook.parse("blocks.1.hook_mlp_out");
    for (int start = 0; start < excerpts.count(); start += BATCH) {
      int end = Math.min(excerpts.count(), start + BATCH);
      int[][] ids = new int[end - start][];
      for (int i = start; i < end; i++) {
        ids[i - start] = excerpts.tokens(i);
      }
      ForwardResult result = model.forward(ids, new ForwardRequest(List.of(pre, out), false));
      SaeFixture[] fixtures = {standard, topk};
      Hook[] hooks = {pre, out};
      for (int s = 0; s < 2; s++) {
        double[] values =
            fixtures[s].encode(result.hook(hooks[s]), new double[(end - start) * CONTEXT * WIDTH]);
        for (int i = 0; i < values.length; i++) {
          maxima[s][i % WIDTH] = Math.max(maxima[s][i % WIDTH], values[i]);
        }
      }
    }
    return maxima;
  }
}
