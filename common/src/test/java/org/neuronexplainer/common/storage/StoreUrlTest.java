package org.neuronexplainer.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreUrlTest {

  @Test
  void aPathOrFileUrlIsALocalDirectory(@TempDir Path dir) {
    assertThat(StoreUrl.open(dir.toString()))
        .isInstanceOfSatisfying(
            LocalDirectoryStore.class, s -> assertThat(s.root()).isEqualTo(dir.toAbsolutePath()));
    assertThat(StoreUrl.open(dir.toUri().toString())).isInstanceOf(LocalDirectoryStore.class);
  }

  @Test
  void anHttpsUrlIsTheReadOnlyHttpsStore() {
    BlobStore store =
        StoreUrl.open("https://openaipublic.blob.core.windows.net/neuron-explainer/data/");
    assertThat(store)
        .isInstanceOfSatisfying(
            HttpsBlobStore.class,
            s ->
                assertThat(s.uriOf("explanations/21/2932.jsonl").toString())
                    .isEqualTo(
                        "https://openaipublic.blob.core.windows.net/neuron-explainer/data/"
                            + "explanations/21/2932.jsonl"));
  }

  @Test
  void rejectsAMissingDirectoryAndUnknownSchemes(@TempDir Path dir) {
    assertThatThrownBy(() -> StoreUrl.open(dir.resolve("nope").toString()))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> StoreUrl.open("s3://bucket/x"))
        .hasMessageContaining("unsupported store scheme 's3'");
    assertThatThrownBy(() -> StoreUrl.open(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
