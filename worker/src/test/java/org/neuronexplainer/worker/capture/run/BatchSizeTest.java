package org.neuronexplainer.worker.capture.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The batch chosen from a model's shape and the free memory, and the batches cut at that size. */
class BatchSizeTest {
  private static final long GIB = 1L << 30;
  private static final long HOST = 64 * GIB;

  /** GPT-2 small: 12 layers, 3,072 neurons, 768 wide; 64 tokens, statistics on the device. */
  private static BatchSize.Pass gpt2Small(int bytes) {
    return new BatchSize.Pass(12, 3072, 768, 64, bytes, true, 2);
  }

  /** GPT-2 XL: 48 layers, 6,400 neurons, 1,600 wide. */
  private static BatchSize.Pass gpt2Xl(int bytes) {
    return new BatchSize.Pass(48, 6400, 1600, 64, bytes, true, 2);
  }

  /** Llama 3 8B: 32 layers, 14,336 neurons, 4,096 wide; 64 tokens after a BOS token. */
  private static BatchSize.Pass llama8b(int bytes) {
    return new BatchSize.Pass(32, 14336, 4096, 65, bytes, true, 2);
  }

  private static int size(BatchSize.Pass pass, long free) {
    return BatchSize.choose(pass, OptionalLong.of(free), HOST).size();
  }

  @Test
  void perExcerptBytesCountTheKeptActivationsTheReductionAndTheWorkingSet() {
    BatchSize.Pass pass = gpt2Small(4);
    long kept = 12L * 64 * 3072 * 4;
    long reduction = 64L * 3072 * BatchSize.REDUCTION_BYTES;
    long working = (6L * 64 * 768 + 2L * 64 * 3072 + 2L * 12 * 64 * 64) * 4;
    assertEquals(kept + reduction + working, pass.deviceBytes());
    assertEquals(0, pass.hostBytes(), "reduced on the device: nothing copied whole");
    BatchSize.Pass host = new BatchSize.Pass(12, 3072, 768, 64, 4, false, 2);
    assertEquals(kept + working, host.deviceBytes());
    assertEquals(2 * 12L * 64 * 3072 * 4, host.hostBytes());
  }

  @Test
  void gpt2SmallFillsALargeGpuUpToTheCap() {
    // About 23 MiB an excerpt: 3/4 of 80 GiB holds 2,640, capped at 1,024.
    assertEquals(1024, size(gpt2Small(4), 80 * GIB));
    // 3/4 of 8 GiB: 271 excerpts, whole blocks of 64.
    assertEquals(256, size(gpt2Small(4), 8 * GIB));
    // 3/4 of 1 GiB: 33 excerpts, below a block: the largest power of two, which divides it.
    assertEquals(32, size(gpt2Small(4), GIB));
  }

  @Test
  void gpt2XlTakesFewerExcerptsAndHalfPrecisionMore() {
    // Float32: about 105 MiB an excerpt; 3/4 of 80 GiB is 586 excerpts.
    assertEquals(576, size(gpt2Xl(4), 80 * GIB));
    // Float16 (64 MiB) halves the activations but not the reduction's float32 and float64 copies.
    assertEquals(896, size(gpt2Xl(2), 80 * GIB));
    assertEquals(192, size(gpt2Xl(2), 20 * GIB));
    assertEquals(128, size(gpt2Xl(4), 20 * GIB));
  }

  @Test
  void llamaOnWhatItsWeightsLeaveFree() {
    // 80 GiB less 16 GiB of half-precision weights: 64 GiB free, about 182 MiB an excerpt.
    assertEquals(256, size(llama8b(4), 64 * GIB));
    assertEquals(384, size(llama8b(2), 64 * GIB));
    assertEquals(32, size(llama8b(4), 8 * GIB));
    // Not even one excerpt fits: one, and the pass will tell.
    assertEquals(1, size(llama8b(4), GIB / 4));
  }

  @Test
  void statisticsOnTheHostAreBoundByTheHostsMemoryToo() {
    BatchSize.Pass host = new BatchSize.Pass(12, 3072, 768, 64, 4, false, 2);
    // Two sets of 9 MiB an excerpt: 3/4 of 16 GiB holds 682.
    BatchSize.Choice choice = BatchSize.choose(host, OptionalLong.of(80 * GIB), 16 * GIB);
    assertEquals(640, choice.size());
    assertTrue(choice.reason().contains("on the host"), choice.reason());
  }

  @Test
  void withoutAGpuTheBatchIsTheCpusAndAForcedOneStays() {
    assertEquals(BatchSize.CPU, BatchSize.choose(gpt2Xl(4), OptionalLong.empty(), HOST).size());
    assertEquals(8, BatchSize.CPU, "the batch capture always used on the CPU");
  }

  @Test
  void batchesOfABlockOrMoreTakeWholeBlocksOfTheShard() {
    // Two shards' worth of ids of shard 0 of 2: blocks 0, 2 and 4, the last of 10 ids.
    int[] ids =
        IntStream.concat(
                IntStream.concat(IntStream.range(0, 64), IntStream.range(128, 192)),
                IntStream.range(256, 266))
            .toArray();
    assertEquals(List.of(64, 64, 10), sizes(CaptureRunner.batches(ids, 64)));
    assertEquals(List.of(128, 10), sizes(CaptureRunner.batches(ids, 128)));
    assertEquals(List.of(128, 10), sizes(CaptureRunner.batches(ids, 137)));
    assertEquals(List.of(138), sizes(CaptureRunner.batches(ids, 192)));
    assertEquals(List.of(138), sizes(CaptureRunner.batches(ids, 1024)));
    assertEquals(List.of(32, 32, 32, 32, 10), sizes(CaptureRunner.batches(ids, 32)));
    assertArrayEquals(
        ids, CaptureRunner.batches(ids, 128).stream().flatMapToInt(IntStream::of).toArray());
    // A block cut short by the shard's first id still ends its batch below a block.
    int[] partial = IntStream.range(60, 70).toArray();
    assertEquals(List.of(4, 6), sizes(CaptureRunner.batches(partial, 8)));
    assertEquals(List.of(10), sizes(CaptureRunner.batches(partial, 64)));
  }

  private static List<Integer> sizes(List<int[]> batches) {
    return batches.stream().map(b -> b.length).toList();
  }
}
