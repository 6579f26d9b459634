package org.neuronexplainer.worker.capture.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.Gpt2Model;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;

/**
 * Every test of {@link CaptureTest}, with each batch's statistics reduced on the device (here the
 * CPU engine) instead of computed from every copied activation, and the records of both paths
 * compared: identical but for the moments, which may differ in their last bits (the power sums are
 * added in the engine's order; {@code DeviceReduction}).
 */
class DeviceStatsCaptureTest extends CaptureTest {
  /** The moments' tolerance, relative: far above float64 rounding of sums of 16 x 101 terms. */
  static final double MOMENTS = 1e-12;

  static final String RESIDENT = "neuron.explainer.capture.device-token-table";

  /**
   * The moments' tolerance with the power sums summed over each batch on the device: the engine's
   * order then spans batch x context terms (128 here) instead of 16.
   */
  static final double BATCH_MOMENTS = 1e-10;

  static final String BATCH_MOMENTS_PROPERTY = "neuron.explainer.capture.batch-moments";

  // Hides CaptureTest's: the captures of the shared stores run on the device path too.
  // The token sums stay on the device until each pass ends, as on a GPU.
  @BeforeAll
  static void setUp() throws Exception {
    System.setProperty(StatsPlacement.PROPERTY, "device");
    System.setProperty(RESIDENT, "true");
    CaptureTest.setUp();
  }

  @AfterAll
  static void tearDown() {
    System.clearProperty(StatsPlacement.PROPERTY);
    System.clearProperty(RESIDENT);
    CaptureTest.tearDown();
  }

  @Test
  void recordsEqualTheHostPathsWithMomentsWithinTheirTolerance() throws Exception {
    for (CaptureSettings settings :
        List.of(settings(20, 11), settings(1000, 11), settings(5, 5).withTop(1))) {
      BlobStore device = capture(settings, 0, 1, false);
      // And with the token sums copied out with every batch.
      System.setProperty(RESIDENT, "false");
      BlobStore copied;
      try {
        copied = capture(settings, 0, 1, false);
      } finally {
        System.setProperty(RESIDENT, "true");
      }
      BlobStore host;
      System.setProperty(StatsPlacement.PROPERTY, "host");
      try {
        host = capture(settings, 0, 1, false);
      } finally {
        System.setProperty(StatsPlacement.PROPERTY, "device");
      }
      System.setProperty(BATCH_MOMENTS_PROPERTY, "true");
      BlobStore summed;
      try {
        summed = capture(settings, 0, 1, false);
      } finally {
        System.clearProperty(BATCH_MOMENTS_PROPERTY);
      }
      assertSameRecords(host, device, MOMENTS);
      assertSameRecords(host, copied, MOMENTS);
      assertSameRecords(host, summed, BATCH_MOMENTS);
    }
  }

  @Test
  void inFloat16TheStatisticsAreThoseOfTheHostPathInFloat32() throws Exception {
    // A float16 pass: both paths widen its activations to float32 before any statistic.
    CaptureSettings settings = settings(20, 11);
    try (Gpt2Model half =
        Gpt2Model.load(Fixtures.hfGpt2Reference(), new ComputeOptions("cpu", Precision.FLOAT16))) {
      BlobStore device = new InMemoryBlobStore();
      BlobStore host = new InMemoryBlobStore();
      CaptureJob job =
          new CaptureJob("r", "tiny", List.of("c"), 0, 1, LAYERS, null, settings, BATCH, false);
      Capture.run(half, tokenizer, excerpts, job, device, CaptureProgress.NONE);
      System.setProperty(StatsPlacement.PROPERTY, "host");
      try {
        Capture.run(half, tokenizer, excerpts, job, host, CaptureProgress.NONE);
      } finally {
        System.setProperty(StatsPlacement.PROPERTY, "device");
      }
      assertSameRecords(host, device, MOMENTS);
      assertTrue(
          !Arrays.equals(
              single.get(CaptureLayout.neuronRecord(0, 17)).orElseThrow(),
              host.get(CaptureLayout.neuronRecord(0, 17)).orElseThrow()),
          "float16 computes other activations than float32");
    }
  }

  /** The records of both paths: the same but for the moments, within {@code tolerance}. */
  private static void assertSameRecords(BlobStore host, BlobStore device, double tolerance)
      throws Exception {
    List<String> keys = host.list("");
    assertEquals(keys, device.list(""));
    int sameBits = 0;
    for (String key : keys) {
      byte[] expected = host.get(key).orElseThrow();
      byte[] actual = device.get(key).orElseThrow();
      if (!key.startsWith("collated-activations/") || !key.endsWith(".json")) {
        assertArrayEquals(expected, actual, key);
        continue;
      }
      int layer = Integer.parseInt(key.replaceAll(".*/(\\d+)/\\d+\\.json", "$1"));
      int neuron = Integer.parseInt(key.replaceAll(".*/(\\d+)\\.json", "$1"));
      NeuronRecord h = record(host, layer, neuron);
      NeuronRecord d = record(device, layer, neuron);
      assertEquals(h.mostPositiveActivationRecords(), d.mostPositiveActivationRecords(), key);
      assertEquals(h.randomSample(), d.randomSample(), key);
      assertEquals(h.randomSampleByQuantile(), d.randomSampleByQuantile(), key);
      assertArrayEquals(h.quantileBoundaries(), d.quantileBoundaries(), key);
      assertEquals(h.mean(), d.mean(), tolerance * Math.abs(h.mean()), key);
      assertEquals(h.variance(), d.variance(), tolerance * h.variance(), key);
      assertEquals(h.skewness(), d.skewness(), tolerance * Math.abs(h.skewness()), key);
      assertEquals(h.kurtosis(), d.kurtosis(), tolerance * Math.abs(h.kurtosis()), key);
      sameBits += Arrays.equals(expected, actual) ? 1 : 0;
    }
    assertTrue(keys.size() > 2 * 192, "records: " + keys.size());
    System.out.println(
        "device path: " + sameBits + " of " + (2 * 192) + " records identical byte for byte");
  }
}
