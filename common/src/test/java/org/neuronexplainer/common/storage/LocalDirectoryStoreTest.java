package org.neuronexplainer.common.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryStoreTest extends BlobStoreContract {

  @TempDir Path dir;
  private LocalDirectoryStore store;

  @BeforeEach
  void open() {
    store = new LocalDirectoryStore(dir.resolve("root"));
  }

  @Override
  protected BlobStore store() {
    return store;
  }

  @Test
  void aRootThatIsAFileIsNamedAsOne() throws Exception {
    Path file = Files.writeString(dir.resolve("store.txt"), "not a store");
    LocalDirectoryStore onFile = new LocalDirectoryStore(file);

    assertThatThrownBy(() -> onFile.put("runs/r/status.json", new byte[1]))
        .hasMessage(
            "cannot write blob runs/r/status.json: " + file + " is a file, not a directory");
    assertThatThrownBy(() -> onFile.get("runs/capture/capture.json"))
        .hasMessage(
            "cannot read blob runs/capture/capture.json: " + file + " is a file, not a directory");
  }

  @Test
  void fileSystemErrorsAreNamedInPlainWords() {
    Path runs = dir.resolve("root/runs");
    assertThat(
            LocalDirectoryStore.failure(
                    "cannot write blob runs/x", runs, new AccessDeniedException(runs.toString()))
                .getMessage())
        .isEqualTo("cannot write blob runs/x: permission denied: " + runs);
    assertThat(
            FileErrors.describe(
                new FileSystemException(runs.toString(), null, "Read-only file system")))
        .isEqualTo("read-only file system: " + runs);
    assertThat(FileErrors.describe(new NotDirectoryException(runs.toString())))
        .isEqualTo("not a directory: " + runs);
    assertThat(FileErrors.describe(new NoSuchFileException(runs.toString())))
        .isEqualTo("no such file or directory: " + runs);
    assertThat(
            FileErrors.describeIfFileError(
                new UncheckedIOException(new AccessDeniedException("/s"))))
        .contains("permission denied: /s");
    assertThat(FileErrors.describeIfFileError(new IllegalStateException("bug"))).isEmpty();
  }

  @Test
  void blobsAreFilesUnderTheRoot() throws Exception {
    store.put("llm-cache/abc.json", "{}".getBytes(UTF_8));
    assertThat(Files.readString(dir.resolve("root/llm-cache/abc.json"))).isEqualTo("{}");
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws Exception {
    for (int i = 0; i < 5; i++) {
      store.put("d/k" + i, new byte[] {(byte) i});
    }
    try (Stream<Path> files = Files.list(dir.resolve("root/d"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4");
    }
  }

  @Test
  void staleTemporaryFilesAreRemovedWhenListedAndFreshOnesStay() throws Exception {
    store.put("d/real", new byte[] {1});
    Path stale = dir.resolve("root/d/" + LocalDirectoryStore.TEMP_PREFIX + "1.part");
    Path fresh = dir.resolve("root/d/" + LocalDirectoryStore.TEMP_PREFIX + "2.part");
    Files.write(stale, new byte[] {2});
    Files.write(fresh, new byte[] {3});
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

    assertThat(store.list("d/")).containsExactly("d/real");

    assertThat(stale).doesNotExist();
    assertThat(fresh).exists(); // perhaps a write in progress in another process
  }

  @Test
  void staleTemporaryFilesAreRemovedWhenTheStoreIsOpened() throws Exception {
    Path root = dir.resolve("other");
    Path stale = root.resolve("a/b/" + LocalDirectoryStore.TEMP_PREFIX + "9.part");
    Files.createDirectories(stale.getParent());
    Files.write(stale, new byte[] {1});
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

    new LocalDirectoryStore(root);

    assertThat(stale).doesNotExist();
  }

  @Test
  void listIgnoresStrayTemporaryFilesAndKeysCannotNameThem() throws Exception {
    store.put("d/real", new byte[] {1});
    Files.write(
        dir.resolve("root/d/" + LocalDirectoryStore.TEMP_PREFIX + "123.part"), new byte[] {2});
    assertThat(store.list("d/")).containsExactly("d/real");
    assertThatThrownBy(() -> store.get("d/" + LocalDirectoryStore.TEMP_PREFIX + "123.part"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDirectoryIsNotABlob() {
    store.put("folder/inner", new byte[] {1});
    assertThat(store.get("folder")).isEmpty();
    assertThat(store.exists("folder")).isFalse();
    assertThat(store.delete("folder")).isFalse();
  }

  @Test
  void aReaderNeverSeesAHalfWrittenBlob() throws Exception {
    // Two large blobs of uniform content: any mix of the two bytes would reveal a partial write.
    byte[] as = new byte[4 << 20];
    byte[] bs = new byte[4 << 20];
    Arrays.fill(as, (byte) 'a');
    Arrays.fill(bs, (byte) 'b');
    store.put("big", as);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> problem = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                byte[] seen = store.get("big").orElse(null);
                if (seen == null || seen.length != as.length || seen[0] != seen[seen.length - 1]) {
                  problem.set("saw a partial or missing blob");
                  return;
                }
              }
            });
    reader.start();
    for (int i = 0; i < 10; i++) {
      store.put("big", i % 2 == 0 ? bs : as);
    }
    done.set(true);
    reader.join();
    assertThat(problem.get()).isNull();
    assertThat(store.list("")).isEqualTo(List.of("big"));
  }
}
