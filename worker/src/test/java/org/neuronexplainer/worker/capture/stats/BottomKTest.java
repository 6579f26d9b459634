package org.neuronexplainer.worker.capture.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BottomKTest {
  private static final int NEURONS = 5;
  private static final int CONTEXT = 3;

  /** Offers random keys to every neuron and compares what is kept with a sort of all of them. */
  private static void assertKeepsTheSmallest(int capacity, int offers, long seed) {
    Random random = new Random(seed);
    BottomK heap = new BottomK(NEURONS, capacity, CONTEXT);
    List<List<BottomK.Entry>> all = new ArrayList<>();
    for (int n = 0; n < NEURONS; n++) {
      all.add(new ArrayList<>());
    }
    for (int id = 0; id < offers; id++) {
      for (int n = 0; n < NEURONS; n++) {
        long key = (random.nextLong() & 0xFFFFFFFF00000000L) | id;
        float[] acts = {random.nextFloat(), random.nextFloat(), id};
        BottomK.Entry entry = new BottomK.Entry(key, acts[0], acts);
        all.get(n).add(entry);
        boolean accepts = heap.accepts(n, key);
        int offset = heap.offer(n, key, entry.max());
        if (!accepts) {
          assertThat(offset).as("an entry accepts refuses is not kept").isEqualTo(-1);
        }
        if (offset >= 0) {
          System.arraycopy(acts, 0, heap.activationBuffer(), offset, CONTEXT);
        }
      }
    }
    for (int n = 0; n < NEURONS; n++) {
      List<BottomK.Entry> expected =
          all.get(n).stream()
              .sorted(Comparator.comparing(BottomK.Entry::key, Long::compareUnsigned))
              .limit(capacity)
              .toList();
      BottomK.Entry[] kept = heap.sorted(n);
      assertThat(kept).hasSameSizeAs(expected);
      for (int i = 0; i < kept.length; i++) {
        assertThat(kept[i].key()).isEqualTo(expected.get(i).key());
        assertThat(kept[i].max()).isEqualTo(expected.get(i).max());
        assertThat(kept[i].activations()).containsExactly(expected.get(i).activations());
      }
    }
  }

  @Test
  void keepsTheSmallestKeysWithTheirActivations() {
    assertKeepsTheSmallest(7, 500, 1);
    assertKeepsTheSmallest(64, 1000, 2);
  }

  @Test
  void aHeapThatNeverFillsKeepsEverything() {
    assertKeepsTheSmallest(50, 20, 3);
    assertKeepsTheSmallest(20, 20, 4);
  }

  @Test
  void capacitiesOfZeroAndOne() {
    assertKeepsTheSmallest(0, 10, 5);
    assertKeepsTheSmallest(1, 300, 6);
  }

  @Test
  void whileEveryNeuronKeepsEveryEntryTheirActivationsLieSideBySide() {
    int neurons = 4;
    int capacity = 8;
    BottomK heap = new BottomK(neurons, capacity, CONTEXT);
    for (int id = 0; id < capacity; id++) {
      for (int n = 0; n < neurons; n++) {
        assertThat(heap.offer(n, id, 0)).isEqualTo((id * neurons + n) * CONTEXT);
      }
    }
  }

  @Test
  void mergingHeapsEqualsOfferingEverythingToOne() {
    Random random = new Random(9);
    BottomK one = new BottomK(1, 10, 0);
    BottomK left = new BottomK(1, 10, 0);
    BottomK right = new BottomK(1, 10, 0);
    for (int id = 0; id < 200; id++) {
      long key = (random.nextLong() & 0xFFFFFFFF00000000L) | id;
      one.offer(0, key, 0);
      (id % 3 == 0 ? left : right).offer(0, key, 0);
    }
    left.addAll(right);
    assertThat(one.sortedKeys(0)).hasSize(10);
    assertThat(left.sortedKeys(0)).containsExactly(one.sortedKeys(0));
  }

  @Test
  void aSetOfKeysOnlyKeepsTheSmallestKeys() {
    for (int capacity : new int[] {0, 1, 7, 64}) {
      Random random = new Random(capacity);
      BottomK keys = new BottomK(NEURONS, capacity, 0);
      List<List<Long>> all = new ArrayList<>();
      for (int n = 0; n < NEURONS; n++) {
        all.add(new ArrayList<>());
      }
      for (int id = 0; id < 1000; id++) {
        for (int n = 0; n < NEURONS; n++) {
          long key = (random.nextLong() & 0xFFFFFFFF00000000L) | id;
          all.get(n).add(key);
          keys.offer(n, key, 0);
        }
      }
      for (int n = 0; n < NEURONS; n++) {
        long[] expected =
            all.get(n).stream()
                .sorted(Long::compareUnsigned)
                .limit(capacity)
                .mapToLong(Long::longValue)
                .toArray();
        assertThat(keys.sortedKeys(n)).as("capacity %d", capacity).containsExactly(expected);
      }
    }
  }
}
