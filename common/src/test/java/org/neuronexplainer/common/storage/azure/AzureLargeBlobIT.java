package org.neuronexplainer.common.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.ListBlobsOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Multi-block uploads stay atomic for readers; listings follow continuation tokens. */
@ExtendWith(AzuriteExtension.class)
class AzureLargeBlobIT {

  private static final int BLOCK = 32 << 10;
  private static final int SIZE = 1 << 20; // 32 blocks

  private static byte[] filled(char c) {
    byte[] data = new byte[SIZE];
    Arrays.fill(data, (byte) c);
    return data;
  }

  /** Empty, or exactly SIZE bytes of one letter: anything else is a partial or mixed blob. */
  private static String problem(byte[] seen) {
    if (seen.length != SIZE) {
      return "length " + seen.length;
    }
    for (byte b : seen) {
      if (b != seen[0]) {
        return "mixed content";
      }
    }
    return null;
  }

  @Test
  void aReaderNeverSeesAHalfWrittenMultiBlockBlob(Azurite azurite) throws Exception {
    AzureBlobStore store =
        azurite.newStore("large", "p/", AzureStoreOptions.DEFAULTS.withUploadSizes(BLOCK, BLOCK));
    byte[] as = filled('a');
    byte[] bs = filled('b');
    store.put("big", as);

    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> problem = new AtomicReference<>();
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger freshSeen = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              try {
                while (!done.get() && problem.get() == null) {
                  byte[] big = store.get("big").orElse(null);
                  String p = big == null ? "big vanished" : problem(big);
                  // A blob being created for the first time: absent until its commit, then whole.
                  byte[] fresh = store.get("fresh").orElse(null);
                  if (fresh != null) {
                    freshSeen.incrementAndGet();
                    p = p != null ? p : problem(fresh);
                  }
                  reads.incrementAndGet();
                  if (p != null) {
                    problem.set(p);
                  }
                }
              } catch (RuntimeException e) {
                problem.set(e.toString());
              }
            });
    reader.start();
    store.put("fresh", bs);
    for (int i = 0; i < 4; i++) {
      store.put("big", i % 2 == 0 ? bs : as);
    }
    done.set(true);
    reader.join();

    assertThat(problem.get()).isNull();
    assertThat(reads.get()).as("reads during the uploads").isGreaterThan(3);
    assertThat(store.get("big")).hasValueSatisfying(b -> assertThat(b).isEqualTo(as));
    // The upload really went through staged blocks and one commit, not a single Put Blob.
    BlockList blocks =
        store
            .containerClient()
            .getBlobClient("p/big")
            .getBlockBlobClient()
            .listBlocks(BlockListType.ALL);
    assertThat(blocks.getCommittedBlocks()).hasSize(SIZE / BLOCK);
    assertThat(blocks.getUncommittedBlocks()).isEmpty();
  }

  @Test
  void listingFollowsEveryPage(Azurite azurite) {
    AzureBlobStore store =
        azurite.newStore("paged", "data/", AzureStoreOptions.DEFAULTS.withListPageSize(2));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String key = "explanations/0/" + i + ".jsonl";
      store.put(key, new byte[] {(byte) i});
      expected.add(key);
    }
    store.put("collated-activations/0/0.json", new byte[0]);

    // The same request as the store's first page ends with a continuation token: 7 keys need 4.
    var firstPage =
        store
            .containerClient()
            .listBlobs(
                new ListBlobsOptions().setPrefix("data/explanations/").setMaxResultsPerPage(2),
                null)
            .iterableByPage()
            .iterator()
            .next();
    assertThat(firstPage.getValue()).hasSize(2);
    assertThat(firstPage.getContinuationToken()).isNotNull();

    assertThat(store.list("explanations/")).containsExactlyElementsOf(expected);
    assertThat(store.list("")).hasSize(8);
  }
}
