package org.neuronexplainer.worker.capture.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.Gpt2Model;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.stats.PartialCodec;
import org.neuronexplainer.worker.capture.tokenizer.Gpt2Tokenizer;

/** Capture on the tiny fixture GPT-2, checked against brute-force computations. */
class CaptureTest {
  static final int CONTEXT = 16;
  static final int BATCH = 8;
  static final int[] LAYERS = {0, 1};

  /** Small statistics: 7 top excerpts, tables of 10 tokens; each test sets the samples. */
  static final CaptureSettings SETTINGS =
      CaptureSettings.defaults().withContext(CONTEXT).withTop(7).withTokenTables(10, 2);

  static Gpt2Model model;
  static Gpt2Tokenizer tokenizer;
  static Excerpts excerpts;
  static float[][][][] acts; // [layer][excerpt][token][neuron]

  static BlobStore single; // pool 20 < excerpts: estimated quantiles
  static BlobStore exact; // pool 1000 > excerpts: exact quantiles

  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    Path fixture = Fixtures.hfGpt2Reference();
    model = Gpt2Model.load(fixture, ComputeOptions.cpu());
    tokenizer = Gpt2Tokenizer.load(fixture);
    excerpts = Excerpts.cut(List.of(TinyCorpus.write(dir)), tokenizer::encode, CONTEXT, 0);
    acts = bruteForceActivations();
    single = capture(settings(20, 11), 0, 1, false);
    exact = capture(settings(1000, 11), 0, 1, false);
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  /** Every excerpt's activations, with the batches capture forms (BATCH divides the block). */
  static float[][][][] bruteForceActivations() {
    int n = excerpts.count();
    int width = model.config().innerSize();
    float[][][][] all = new float[LAYERS.length][n][CONTEXT][width];
    for (int start = 0; start < n; start += BATCH) {
      int end = Math.min(n, start + BATCH);
      int[][] ids = new int[end - start][];
      for (int i = start; i < end; i++) {
        ids[i - start] = excerpts.tokens(i);
      }
      var result = model.forward(ids, LAYERS, false);
      for (int layer : LAYERS) {
        FloatTensor t = result.layer(layer);
        for (int i = start; i < end; i++) {
          for (int tok = 0; tok < CONTEXT; tok++) {
            for (int u = 0; u < width; u++) {
              all[layer][i][tok][u] = t.get(i - start, tok, u);
            }
          }
        }
      }
    }
    return all;
  }

  static CaptureSettings settings(int pool, long seed) {
    return SETTINGS.withSamples(5, pool).withSeed(seed);
  }

  static BlobStore capture(CaptureSettings settings, int shard, int shards, boolean partials) {
    BlobStore store = new InMemoryBlobStore();
    capture(store, settings, shard, shards, partials);
    return store;
  }

  static void capture(
      BlobStore store, CaptureSettings settings, int shard, int shards, boolean partials) {
    capture(store, settings, shard, shards, partials, BATCH);
  }

  static void capture(
      BlobStore store,
      CaptureSettings settings,
      int shard,
      int shards,
      boolean partials,
      int batch) {
    CaptureJob job =
        new CaptureJob(
            "r", "tiny", List.of("c"), shard, shards, LAYERS, null, settings, batch, partials);
    Capture.run(model, tokenizer, excerpts, job, store, CaptureProgress.NONE);
  }

  @Test
  void batchesOfSeveralBlocksGiveTheRecordsOfBatchesOfOne() throws Exception {
    // Batches of 192 take the whole corpus's blocks in one pass, and a shard's batches of 128
    // bring its blocks together, which one pass does not: on the CPU engine a row's activations
    // do not depend on the batch's other rows, so the records are those of batches of 64.
    CaptureSettings settings = settings(20, 11);
    BlobStore one = new InMemoryBlobStore();
    capture(one, settings, 0, 1, false, Excerpts.BLOCK);
    BlobStore several = new InMemoryBlobStore();
    capture(several, settings, 0, 1, false, 3 * Excerpts.BLOCK);
    BlobStore sharded = new InMemoryBlobStore();
    for (int shard = 0; shard < 2; shard++) {
      capture(sharded, settings, shard, 2, false, 2 * Excerpts.BLOCK);
    }
    Collator.collate(sharded, "r", tokenizer);
    List<String> keys = concat(one.list("collated-activations/"), one.list("related-tokens/"));
    assertEquals(2 * 2 * 192, keys.size());
    for (String key : keys) {
      byte[] expected = one.get(key).orElseThrow();
      assertArrayEquals(expected, several.get(key).orElseThrow(), key);
      assertArrayEquals(expected, sharded.get(key).orElseThrow(), key);
      assertArrayEquals(expected, CaptureTest.single.get(key).orElseThrow(), key);
    }
  }

  static NeuronRecord record(BlobStore store, int layer, int neuron) throws Exception {
    String key = CaptureLayout.neuronRecord(layer, neuron);
    return DatasetJson.read(store.get(key).orElseThrow(), key, NeuronRecord.class);
  }

  static float max(float[][] excerpt, int neuron) {
    float m = Float.NEGATIVE_INFINITY;
    for (float[] token : excerpt) {
      m = Math.max(m, token[neuron]);
    }
    return m;
  }

  @Test
  void corpusIsLongEnoughForSeveralShardBlocks() {
    assertTrue(excerpts.count() > 2 * Excerpts.BLOCK, "excerpts: " + excerpts.count());
  }

  @Test
  void topRecordsAndMomentsEqualBruteForce() throws Exception {
    BlobStore store = single;
    int n = excerpts.count();
    for (int layer : LAYERS) {
      for (int neuron : new int[] {0, 17, 191}) {
        NeuronRecord record = record(store, layer, neuron);
        final int u = neuron;
        float[][][] layerActs = acts[layer];
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          ids.add(i);
        }
        ids.sort(
            Comparator.<Integer>comparingDouble(i -> -max(layerActs[i], u))
                .thenComparingInt(i -> i));
        List<ActivationRecord> top = record.mostPositiveActivationRecords();
        assertEquals(7, top.size());
        for (int k = 0; k < 7; k++) {
          int id = ids.get(k);
          assertEquals(tokenizer.tokenTexts(excerpts.tokens(id)), top.get(k).tokens());
          for (int t = 0; t < CONTEXT; t++) {
            assertEquals(layerActs[id][t][u], top.get(k).activation(t), 0.0);
          }
        }
        // Two-pass moments in doubles.
        double sum = 0;
        for (float[][] e : layerActs) {
          for (float[] tok : e) {
            sum += tok[u];
          }
        }
        double mean = sum / (n * CONTEXT);
        double m2 = 0;
        double m3 = 0;
        double m4 = 0;
        for (float[][] e : layerActs) {
          for (float[] tok : e) {
            double d = tok[u] - mean;
            m2 += d * d;
            m3 += d * d * d;
            m4 += d * d * d * d;
          }
        }
        m2 /= n * CONTEXT;
        m3 /= n * CONTEXT;
        m4 /= n * CONTEXT;
        assertEquals(mean, record.mean(), 1e-9 * Math.abs(mean));
        assertEquals(m2, record.variance(), 1e-9 * m2);
        double skew = m3 / Math.pow(m2, 1.5);
        assertEquals(skew, record.skewness(), 1e-9 * Math.abs(skew));
        double kurt = m4 / (m2 * m2) - 3;
        assertEquals(kurt, record.kurtosis(), 1e-9 * Math.abs(kurt));
      }
    }
  }

  @Test
  void exactQuantilesWhenThePoolHoldsEveryExcerpt() throws Exception {
    assertExactQuantiles(exact, true);
  }

  @Test
  void exactBoundariesFromTheQuantileKeysWhenThePoolIsSmaller() throws Exception {
    // Pool 20 of 101 excerpts, but the default quantile keys (512) cover every rank.
    assertTrue(excerpts.count() < CaptureSettings.DEFAULT_QUANTILE_KEYS);
    assertExactQuantiles(single, false);
  }

  @Test
  void twoPassBucketsEqualThoseOfACompletePool() {
    // The second pass samples each bucket among all its members, as a pool holding every excerpt
    // does in one pass: the records must be the same bytes.
    BlobStore twoPass = capture(settings(20, 11).withQuantiles(1000, true), 0, 1, false);
    List<String> keys = exact.list("collated-activations/");
    assertEquals(2 * 192, keys.size());
    for (String key : keys) {
      assertArrayEquals(exact.get(key).orElseThrow(), twoPass.get(key).orElseThrow(), key);
    }
  }

  @Test
  void twoPassFillsTheUpperBucketsThatOnePassSamplesFromThePool() throws Exception {
    // Boundaries estimated (no keys), pool of 10: one pass finds few members of the upper buckets
    // in the pool; the second pass samples every bucket among all of its members.
    CaptureSettings few = SETTINGS.withSamples(5, 10).withSeed(3).withQuantiles(0, false);
    BlobStore onePass = capture(few, 0, 1, false);
    BlobStore twoPass = capture(few.withQuantiles(0, true), 0, 1, false);
    int n = excerpts.count();
    int onePassRecords = 0;
    int twoPassRecords = 0;
    for (int neuron = 0; neuron < 192; neuron += 7) {
      NeuronRecord one = record(onePass, 1, neuron);
      NeuronRecord two = record(twoPass, 1, neuron);
      assertArrayEquals(one.quantileBoundaries(), two.quantileBoundaries());
      double[] bounds = two.quantileBoundaries();
      for (int b = 0; b < 5; b++) {
        int members = 0;
        for (int i = 0; i < n; i++) {
          float m = max(acts[1][i], neuron);
          if ((b == 0 || m >= bounds[b - 1]) && (b == 4 || m <= bounds[b])) {
            members++;
          }
        }
        List<ActivationRecord> sampled = two.randomSampleByQuantile().get(b);
        // Ties at a boundary can put an excerpt on either side, so at least min(5, strict).
        assertTrue(sampled.size() <= 5 && sampled.size() <= members, "bucket " + b);
        for (ActivationRecord r : sampled) {
          double m = r.maxActivation();
          assertTrue(b == 0 || m >= bounds[b - 1], "bucket " + b + " below its boundary");
          assertTrue(b == 4 || m <= bounds[b], "bucket " + b + " above its boundary");
        }
        onePassRecords += one.randomSampleByQuantile().get(b).size();
        twoPassRecords += sampled.size();
      }
      assertEquals(one.mostPositiveActivationRecords(), two.mostPositiveActivationRecords());
      assertEquals(one.randomSample(), two.randomSample());
    }
    assertTrue(
        twoPassRecords > onePassRecords, "two pass " + twoPassRecords + ", one " + onePassRecords);
  }

  @Test
  void twoPassQuantilesRefuseShards() {
    BlobStore store = new InMemoryBlobStore();
    var e =
        Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> capture(store, settings(20, 1).withQuantiles(10, true), 0, 2, false));
    assertTrue(e.getMessage().contains("two-pass"), e.getMessage());
    assertTrue(store.list("").isEmpty(), "nothing written");
  }

  private void assertExactQuantiles(BlobStore store, boolean everyExcerptSampled) throws Exception {
    int n = excerpts.count();
    for (int neuron : new int[] {3, 100}) {
      NeuronRecord record = record(store, 1, neuron);
      float[] maxima = new float[n];
      for (int i = 0; i < n; i++) {
        maxima[i] = max(acts[1][i], neuron);
      }
      float[] sorted = maxima.clone();
      Arrays.sort(sorted);
      double[] boundaries = record.quantileBoundaries();
      int[] perMille = {500, 900, 990, 999};
      for (int b = 0; b < 4; b++) {
        int rank = (int) Math.min(n - 1, perMille[b] * (long) n / 1000);
        assertEquals(sorted[rank], boundaries[b], 0.0, "boundary " + b);
      }
      List<List<ActivationRecord>> buckets = record.randomSampleByQuantile();
      assertEquals(5, buckets.size());
      for (int b = 0; b < 5; b++) {
        assertTrue(
            (!everyExcerptSampled || buckets.get(b).size() > 0) && buckets.get(b).size() <= 5);
        for (ActivationRecord r : buckets.get(b)) {
          double m = r.maxActivation();
          assertTrue(b == 0 || m >= boundaries[b - 1], "bucket " + b + " below its boundary");
          assertTrue(b == 4 || m <= boundaries[b], "bucket " + b + " above its boundary");
        }
      }
      assertEquals(5, record.randomSample().size());
    }
  }

  @Test
  void threeShardsAndCollateEqualOnePassByteForByte() {
    // Default quantile keys (all ranks), and 10 keys: shards' key lists are cut before merging.
    for (CaptureSettings settings :
        List.of(settings(20, 11), settings(20, 11).withQuantiles(10, false))) {
      BlobStore single =
          settings.quantileKeys() == CaptureSettings.DEFAULT_QUANTILE_KEYS
              ? CaptureTest.single
              : capture(settings, 0, 1, false);
      BlobStore sharded = new InMemoryBlobStore();
      for (int shard = 0; shard < 3; shard++) {
        capture(sharded, settings, shard, 3, false);
      }
      assertTrue(sharded.list("collated-activations/").isEmpty(), "shards write partials only");
      Collator.collate(sharded, "r", tokenizer);
      List<String> keys = single.list("collated-activations/");
      keys.addAll(single.list("related-tokens/"));
      assertEquals(2 * 2 * 192, keys.size());
      assertEquals(
          keys, concat(sharded.list("collated-activations/"), sharded.list("related-tokens/")));
      for (String key : keys) {
        assertArrayEquals(single.get(key).orElseThrow(), sharded.get(key).orElseThrow(), key);
      }
    }
  }

  @Test
  void statisticsBesideTheNextForwardPassEqualThoseBetweenPasses() {
    // On a GPU a batch's statistics run while the next batch's forward pass does; here that mode
    // is forced on the CPU, with batches of 2 so that many are in flight one after another.
    CaptureSettings settings = settings(20, 11);
    String property = "neuron.explainer.capture.overlap";
    List<byte[]> runs = new ArrayList<>();
    for (String overlap : List.of("true", "false")) {
      System.setProperty(property, overlap);
      try {
        var stats =
            CaptureRunner.run(
                model,
                excerpts,
                IntStream.range(0, excerpts.count()).toArray(),
                LAYERS,
                IntStream.range(0, model.config().innerSize()).toArray(),
                settings,
                2,
                CaptureProgress.NONE);
        for (int layer : LAYERS) {
          runs.add(PartialCodec.encode(stats.get(layer), excerpts::tokens, Excerpts.BLOCK));
        }
      } finally {
        System.clearProperty(property);
      }
    }
    for (int layer = 0; layer < LAYERS.length; layer++) {
      assertArrayEquals(runs.get(layer), runs.get(LAYERS.length + layer), "layer " + layer);
    }
  }

  @Test
  void theCaptureTellsHowLongItWaitedForItsStatistics() {
    int[] ids = IntStream.range(0, 9).toArray();
    List<Long> waits = new ArrayList<>();
    CaptureProgress progress =
        new CaptureProgress() {
          @Override
          public void batchDone(long done, long total, long tokens) {}

          @Override
          public void statisticsWaited(long nanos) {
            waits.add(nanos);
          }
        };
    long start = System.nanoTime();
    CaptureRunner.run(
        model, excerpts, ids, LAYERS, new int[] {0, 1}, settings(20, 11), 2, progress);
    long wall = System.nanoTime() - start;
    // After each of the 5 batches' forward passes, and once more at the end of the pass.
    assertEquals(6, waits.size());
    long sum = waits.stream().mapToLong(Long::longValue).sum();
    assertTrue(waits.stream().allMatch(w -> w >= 0), waits.toString());
    assertTrue(sum > 0 && sum < wall, sum + " ns waited in a capture of " + wall + " ns");
  }

  @Test
  void aBatchSizeBelowOneOrExcerptsOfAnotherLengthAreRefusedBeforeAnyWork() {
    int[] ids = {0, 1, 2};
    int[] neurons = {0, 1};
    IllegalArgumentException batch =
        Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptureRunner.run(
                    model,
                    excerpts,
                    ids,
                    LAYERS,
                    neurons,
                    settings(20, 11),
                    0,
                    CaptureProgress.NONE));
    assertTrue(batch.getMessage().contains("batch must be at least 1"), batch.getMessage());
    CaptureSettings longer = SETTINGS.withContext(CONTEXT + 1).withSamples(5, 20).withSeed(11);
    IllegalArgumentException context =
        Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptureRunner.run(
                    model, excerpts, ids, LAYERS, neurons, longer, BATCH, CaptureProgress.NONE));
    assertTrue(context.getMessage().contains("context length"), context.getMessage());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  void randomSamplesAreReproducibleAndDependOnTheSeed() throws Exception {
    // Same seed, other shards: see threeShardsAndCollateEqualOnePassByteForByte. Here: the seed.
    NeuronRecord[] records = new NeuronRecord[3];
    long[] seeds = {5, 5, 6};
    for (int i = 0; i < 3; i++) {
      BlobStore store = new InMemoryBlobStore();
      CaptureJob job =
          new CaptureJob(
              "r",
              "tiny",
              List.of("c"),
              0,
              1,
              new int[] {0},
              new int[] {9},
              settings(20, seeds[i]),
              BATCH,
              false);
      Capture.run(model, tokenizer, few(), job, store, CaptureProgress.NONE);
      records[i] = record(store, 0, 9);
    }
    assertEquals(records[0], records[1]);
    assertNotEquals(records[0].randomSample(), records[2].randomSample());
    assertEquals(
        records[0].mostPositiveActivationRecords(), records[2].mostPositiveActivationRecords());
  }

  @Test
  void tokenTableIsTheMeanPerTokenHighestFirst() throws Exception {
    BlobStore store = single;
    int neuron = 42;
    String key = CaptureLayout.tokenTable(0, neuron);
    TokenLookupTableSummaryOfNeuron table =
        DatasetJson.read(store.get(key).orElseThrow(), key, TokenLookupTableSummaryOfNeuron.class);
    double[] sums = new double[model.config().vocabSize()];
    int[] counts = new int[sums.length];
    for (int i = 0; i < excerpts.count(); i++) {
      for (int t = 0; t < CONTEXT; t++) {
        int token = excerpts.tokens(i)[t];
        sums[token] += acts[0][i][t][neuron];
        counts[token]++;
      }
    }
    Integer[] order = new Integer[sums.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        Comparator.<Integer>comparingDouble(
                i -> counts[i] >= 2 ? -sums[i] / counts[i] : Double.POSITIVE_INFINITY)
            .thenComparingInt(i -> i));
    double[] means = table.averageActivations();
    assertEquals(10, means.length);
    for (int k = 0; k < 10; k++) {
      assertEquals(tokenizer.tokenText(order[k]), table.tokens().get(k));
      assertEquals(sums[order[k]] / counts[order[k]], means[k], 1e-6);
    }
  }

  @Test
  void neuronsRestrictWhatIsWritten() {
    BlobStore store = new InMemoryBlobStore();
    CaptureJob job =
        new CaptureJob(
            "r",
            "tiny",
            List.of("c"),
            0,
            1,
            new int[] {1},
            new int[] {2, 5},
            settings(20, 1),
            BATCH,
            false);
    Capture.run(model, tokenizer, few(), job, store, CaptureProgress.NONE);
    assertEquals(
        List.of("collated-activations/1/2.json", "collated-activations/1/5.json"),
        store.list("collated-activations/"));
  }

  /** The first 8 excerpts, for tests that need no statistics. */
  private static Excerpts few() {
    int[][] rows = new int[8][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = excerpts.tokens(i);
    }
    return Excerpts.of(rows);
  }

  @Test
  void collateRefusesAnIncompleteRun() {
    BlobStore store = new InMemoryBlobStore();
    CaptureJob job =
        new CaptureJob(
            "r", "tiny", List.of("c"), 0, 3, LAYERS, null, settings(20, 1), BATCH, false);
    Capture.run(model, tokenizer, few(), job, store, CaptureProgress.NONE);
    var e =
        Assertions.assertThrows(
            IllegalStateException.class, () -> Collator.collate(store, "r", tokenizer));
    assertTrue(e.getMessage().contains("missing 4 partials"), e.getMessage());
    assertTrue(store.list("collated-activations/").isEmpty());
    assertNull(store.get(CaptureLayout.collated("r")).orElse(null));
  }
}
