package org.neuronexplainer.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.azure.AzureBlobStore;

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
  void anAzureUrlIsTheAzureStoreWithCredentialsFromTheEnvironment() {
    Map<String, String> env =
        Map.of(
            "AZURE_STORAGE_ACCOUNT", "devstoreaccount1",
            "AZURE_STORAGE_KEY", Base64.getEncoder().encodeToString(new byte[32]),
            "AZURE_STORAGE_ENDPOINT", "http://127.0.0.1:1/devstoreaccount1");
    assertThat(StoreUrl.open("azure://results/gpt2/", env)).isInstanceOf(AzureBlobStore.class);
    assertThatThrownBy(() -> StoreUrl.open("azure://results/gpt2/", Map.of()))
        .hasMessageContaining("AZURE_STORAGE_");
  }

  @Test
  void aFileIsNotTakenForAMissingDirectory(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("store.txt"), "x");
    assertThatThrownBy(() -> StoreUrl.open(file.toString()))
        .hasMessage("store " + file + " is a file, not a directory");
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
