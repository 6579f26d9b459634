package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/** The index and overview follow a store that a run keeps writing to. */
class IndexRefreshTest {

  private static final Path CANADA = Path.of("..", "examples", "explanations", "21", "2932.jsonl");

  /** An explanation file for {@code layer:neuron} that says {@code words}. */
  private static byte[] explanation(String words) throws Exception {
    String text = Files.readString(CANADA, StandardCharsets.UTF_8);
    String old = "references to Canada and Canadian people, places and institutions";
    assertThat(text).contains(old);
    return text.replace(old, words).getBytes(StandardCharsets.UTF_8);
  }

  private static int hits(ViewerService service, String words) {
    return service.search(words, SearchFilter.ALL, 0, 10).get("total").asInt();
  }

  @Test
  void newRewrittenAndRemovedFilesOfALocalStoreAreFound(@TempDir Path root) throws Exception {
    ViewerFixture.write(root);
    LocalDirectoryStore store = new LocalDirectoryStore(root);
    try (ViewerService service = new ViewerService(store, Optional.empty(), 10_000, 0)) {
      service.catalog().get(10, TimeUnit.SECONDS);
      assertThat(service.overview().get("neurons").asInt()).isEqualTo(4);
      assertThat(service.refresh(false).get(10, TimeUnit.SECONDS)).as("nothing changed").isFalse();

      store.put("explanations/30/5.jsonl", explanation("volcanoes and lava"));
      Path rewritten = root.resolve("explanations/6/1017.jsonl");
      Files.write(rewritten, explanation("glaciers of Europe"));
      // A rewrite within the file system's timestamp resolution must still look different.
      Files.setLastModifiedTime(rewritten, FileTime.from(Instant.now().plusSeconds(5)));

      assertThat(service.refresh(false).get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(hits(service, "volcanoes")).isEqualTo(1);
      assertThat(hits(service, "glaciers")).isEqualTo(1);
      assertThat(hits(service, "week")).as("the old text is gone").isZero();
      assertThat(service.overview().get("neurons").asInt()).isEqualTo(5);

      store.delete("explanations/30/5.jsonl");
      // Asked, not routine: it ends after any look the reads above started, and looks again.
      service.refresh(true).get(10, TimeUnit.SECONDS);
      assertThat(hits(service, "volcanoes")).isZero();
    }
  }

  @Test
  void theOldIndexAnswersUntilTheNewOneIsReady(@TempDir Path root) throws Exception {
    ViewerFixture.write(root);
    GatedStore store = new GatedStore(new LocalDirectoryStore(root));
    try (ViewerService service = new ViewerService(store, Optional.empty(), 10_000, 0)) {
      service.catalog().get(10, TimeUnit.SECONDS);
      store.put("explanations/30/5.jsonl", explanation("volcanoes and lava"));
      store.gate = new CountDownLatch(1);

      var refresh = service.refresh(false);
      var answer = service.search("volcanoes", SearchFilter.ALL, 0, 10);
      assertThat(answer.get("available").asBoolean()).isTrue();
      assertThat(answer.get("total").asInt()).as("the old index, not a wait").isZero();
      assertThat(answer.get("refreshing").asBoolean()).isTrue();
      assertThat(refresh.isDone()).isFalse();

      store.gate.countDown();
      assertThat(refresh.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(hits(service, "volcanoes")).isEqualTo(1);
    }
  }

  @Test
  void aStoreWithoutVersionsReadsOnlyNewFilesAndEveryFileWhenAsked() throws Exception {
    InMemoryBlobStore memory = new InMemoryBlobStore();
    memory.put("explanations/21/2932.jsonl", Files.readAllBytes(CANADA));
    memory.put("explanations/6/1017.jsonl", explanation("glaciers of Europe"));
    CountingStore store = new CountingStore(memory);
    try (ViewerService service = new ViewerService(store, Optional.empty(), 10_000, 0)) {
      service.catalog().get(10, TimeUnit.SECONDS);
      store.put("explanations/30/5.jsonl", explanation("volcanoes and lava"));
      store.put("explanations/21/2932.jsonl", explanation("maple syrup"));
      store.reads.clear();

      assertThat(service.refresh(false).get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(store.reads.keySet()).containsExactly("explanations/30/5.jsonl");
      assertThat(hits(service, "volcanoes")).isEqualTo(1);
      assertThat(hits(service, "maple")).as("a rewrite this listing cannot see").isZero();

      store.reads.clear();
      assertThat(service.refresh(true).get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(store.reads.keySet()).hasSize(3);
      assertThat(hits(service, "maple")).isEqualTo(1);
    }
  }

  @Test
  void lookingForChangesWaitsForTheInterval(@TempDir Path root) throws Exception {
    ViewerFixture.write(root);
    LocalDirectoryStore store = new LocalDirectoryStore(root);
    try (ViewerService service = new ViewerService(store, Optional.empty(), 10_000, 600_000)) {
      service.catalog().get(10, TimeUnit.SECONDS);
      store.put("explanations/30/5.jsonl", explanation("volcanoes and lava"));
      assertThat(service.refresh(false).get(10, TimeUnit.SECONDS)).isFalse();
      assertThat(hits(service, "volcanoes")).isZero();
      assertThat(service.refresh(true).get(10, TimeUnit.SECONDS)).as("asked: at once").isTrue();
      assertThat(hits(service, "volcanoes")).isEqualTo(1);
    }
  }

  /** Counts reads of explanation files. */
  private static final class CountingStore extends ForwardingStore {
    final Map<String, Integer> reads = new ConcurrentHashMap<>();

    CountingStore(BlobStore inner) {
      super(inner);
    }

    @Override
    public Optional<byte[]> get(String key) {
      if (key.startsWith("explanations/")) {
        reads.merge(key, 1, Integer::sum);
      }
      return inner.get(key);
    }

    @Override
    public List<String> list(String prefix) {
      return new ArrayList<>(inner.list(prefix));
    }
  }
}
