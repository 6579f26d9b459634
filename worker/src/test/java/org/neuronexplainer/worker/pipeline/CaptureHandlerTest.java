package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.hub.HubConfig;
import org.neuronexplainer.common.hub.ScriptedHub;
import org.neuronexplainer.common.messaging.CaptureJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.LayerRange;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.CaptureKeys;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.Gpt2Config;
import org.neuronexplainer.worker.capture.SaeFixture;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.hub.HubModelCache;
import org.neuronexplainer.worker.capture.stats.StatsMemory;

/** The capture job on the shared tiny GPT-2: its partials, and a cancel while it runs. */
class CaptureHandlerTest {

  private static final int CONTEXT = 8;
  private static final int BATCH = 2;
  private static final String RUN = "r";

  @TempDir Path dir;
  private final InMemoryBlobStore inner = new InMemoryBlobStore();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private SubjectModels models;

  @BeforeEach
  void models() {
    HubConfig hub = HubConfig.fromEnv(Map.of("NEURON_EXPLAINER_CACHE", dir.toString()), dir);
    models =
        new SubjectModels(
            new HubModelCache(hub, new PrintStream(OutputStream.nullOutputStream()), false),
            "cpu",
            new WorkerMetrics(registry));
  }

  @AfterEach
  void close() {
    models.close();
  }

  /** A running capture run of layers 0-1, neurons 0-9, over a corpus of many batches. */
  private CaptureJob submit(RunRecords records) throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      text.append("The boat went down the river to the sea on day ").append(i).append(". ");
    }
    Path corpus = Files.writeString(dir.resolve("c.txt"), text);
    CaptureRun capture =
        CaptureRun.of(Fixtures.hfGpt2Reference().toString(), List.of(corpus.toString()))
            .withContext(CONTEXT)
            .withSamples(5, 3, 10)
            .withBatch(BATCH)
            .withQuantileKeys(7);
    records.putSpec(
        new RunSpec(RUN, null, "0-1", "0-9", null, null, null, null, 1).withCapture(capture));
    records.putStatus(new RunStatus(RUN, RunState.RUNNING, 20, 0, 0));
    return new CaptureJob(
        JobHeader.first(RUN, 1),
        new LayerRange(0, 1),
        0,
        CaptureKeys.corpusShard(RUN, 0, 1),
        CaptureKeys.partialsPrefix(RUN));
  }

  private CaptureHandler handler(BlobStore store) {
    return handler(store, Long.MAX_VALUE);
  }

  private CaptureHandler handler(BlobStore store, long heapBudget) {
    AtomicLong now = new AtomicLong();
    // Every read of the run state is a fresh one: the clock moves past the state's 1 s cache.
    return new CaptureHandler(
        new RunRecords(store),
        models,
        new WorkerMetrics(registry),
        () -> now.addAndGet(2_000),
        () -> heapBudget);
  }

  private double capturedTokens() {
    return registry.get("neuronexplainer.capture.tokens").counter().count();
  }

  @Test
  void aShardThroughItsLayersWritesOnePartialPerLayer() throws Exception {
    CaptureJob job = submit(new RunRecords(inner));
    CaptureHandler handler = handler(inner);
    assertThat(handler.outputExists(job)).isFalse();
    handler.run(job);
    assertThat(inner.list(CaptureKeys.partialsPrefix(RUN))).hasSize(2);
    assertThat(handler.outputExists(job)).isTrue();
    int excerpts = CorpusShards.manifest(inner, RUN).orElseThrow().excerpts();
    assertThat(excerpts).as("several batches").isGreaterThan(4 * BATCH);
    assertThat(capturedTokens()).isEqualTo((double) excerpts * CONTEXT);
  }

  @Test
  void aCancelStopsTheForwardPassesAtTheNextBatchAndLeavesNoPartial() throws Exception {
    RunRecords records = new RunRecords(inner);
    CaptureJob job = submit(records);
    // The cancel arrives once the job has read its shard, while its forward passes run.
    BlobStore store =
        new ForwardingStore(inner) {
          @Override
          public Optional<byte[]> get(String key) {
            if (key.equals(job.corpusShardKey())) {
              RunStatus status = records.status(RUN).orElseThrow();
              records.putStatus(status.with(RunState.CANCELLED, 1));
            }
            return super.get(key);
          }
        };
    CaptureHandler handler = handler(store);
    assertThatThrownBy(() -> handler.run(job))
        .isInstanceOf(PermanentException.class)
        .hasMessage("run r was cancelled");
    assertThat(capturedTokens()).as("one batch, then the check").isEqualTo(BATCH * CONTEXT);
    int excerpts = CorpusShards.manifest(inner, RUN).orElseThrow().excerpts();
    assertThat(excerpts).isGreaterThan(4 * BATCH);
    assertThat(inner.list(CaptureKeys.partialsPrefix(RUN))).isEmpty();
    assertThat(handler.outputExists(job)).isFalse();
  }

  @Test
  void aJobWhoseStatisticsWouldNotFitTheHeapIsRefusedBeforeItsForwardPasses() throws Exception {
    CaptureJob job = submit(new RunRecords(inner));
    // Room for one layer's statistics of this job but not for two: the message says 1.
    CaptureHandler probe = handler(inner);
    probe.run(job);
    inner.list(CaptureKeys.partialsPrefix(RUN)).forEach(inner::delete);
    double tokensOfOneRun = capturedTokens();
    CorpusShards.Shard shard = CorpusShards.read(inner, job.corpusShardKey());
    Excerpts excerpts = CorpusShards.view(CorpusShards.manifest(inner, RUN).orElseThrow(), shard);
    int vocab = Gpt2Config.read(Fixtures.hfGpt2Reference().resolve("config.json")).vocabSize();
    long perLayer =
        StatsMemory.of(
                1,
                10,
                CaptureHandler.settings(
                    CaptureHandler.capture(new RunRecords(inner).spec(RUN).orElseThrow())),
                vocab,
                excerpts,
                shard.ids())
            .perLayer();
    CaptureHandler tight = handler(inner, perLayer * 3 / 2);
    assertThatThrownBy(() -> tight.run(job))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("2 layers x 10 neurons")
        .hasMessageContaining("set the run's capture.layersPerJob to at most 1");
    assertThat(capturedTokens()).as("no forward pass ran").isEqualTo(tokensOfOneRun);
    assertThat(inner.list(CaptureKeys.partialsPrefix(RUN))).isEmpty();
    assertThatThrownBy(() -> handler(inner, perLayer / 2).run(job))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("one layer alone does not fit");
  }

  @Test
  void anSaeOnTheHubIsDownloadedOnceAndCaptured() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Gpt2Config config = Gpt2Config.read(Fixtures.hfGpt2Reference().resolve("config.json"));
    SaeFixture.random("standard", "blocks.1.hook_resid_pre", config, 16, 5)
        .write(repo.resolve("blocks.1.hook_resid_pre"));
    String ref = "hf:someone/tiny-saes/blocks.1.hook_resid_pre";
    try (ScriptedHub hub = new ScriptedHub().serve("someone/tiny-saes", repo);
        SubjectModels fromHub =
            new SubjectModels(
                new HubModelCache(
                    new HubConfig(hub.endpoint(), Optional.empty(), dir.resolve("cache")),
                    new PrintStream(OutputStream.nullOutputStream()),
                    false),
                "cpu",
                new WorkerMetrics(registry))) {
      RunRecords records = new RunRecords(inner);
      CaptureJob mlp = submit(records);
      RunSpec spec = records.spec(RUN).orElseThrow();
      records.putSpec(
          new RunSpec(RUN, null, null, "0-9", null, null, null, null, 1)
              .withSae("blocks.1.hook_resid_pre")
              .withCapture(spec.capture().withSae(ref)));
      CaptureJob job =
          new CaptureJob(
              mlp.header(), new LayerRange(1, 1), 0, mlp.corpusShardKey(), mlp.partialsPrefix());
      CaptureHandler handler =
          new CaptureHandler(
              records,
              fromHub,
              new WorkerMetrics(registry),
              System::currentTimeMillis,
              () -> Long.MAX_VALUE);

      handler.run(job);
      assertThat(inner.list(CaptureKeys.partialsPrefix(RUN))).hasSize(1);
      Path cached = dir.resolve("cache/someone--tiny-saes/main/blocks.1.hook_resid_pre");
      assertThat(cached.resolve("sae_weights.safetensors"))
          .hasSameBinaryContentAs(repo.resolve("blocks.1.hook_resid_pre/sae_weights.safetensors"));
      assertThat(hub.requests())
          .contains(
              "/someone/tiny-saes/resolve/main/blocks.1.hook_resid_pre/cfg.json",
              "/cdn/someone/tiny-saes/resolve/main/blocks.1.hook_resid_pre/"
                  + "sae_weights.safetensors");

      int before = hub.requests().size();
      inner.list(CaptureKeys.partialsPrefix(RUN)).forEach(inner::delete);
      handler.run(job);
      assertThat(inner.list(CaptureKeys.partialsPrefix(RUN))).hasSize(1);
      assertThat(fromHub.saeDirectory(ref)).isEqualTo(cached);
      assertThat(hub.requests()).as("served from the cache").hasSize(before);
    }
  }

  @Test
  void aMalformedHubReferenceFailsTheJobForGood() {
    assertThatThrownBy(() -> models.saeDirectory("hf:no-owner"))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("capture.sae hf:no-owner");
  }
}
