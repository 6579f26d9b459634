package org.neuronexplainer.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.azure.AzureBlobStore;

class StoreLocationTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void aDirectoryOrFileUrlOpensALocalStoreCreatedOnFirstWrite(@TempDir Path dir) {
    Path root = dir.resolve("store");
    BlobStore store = StoreLocation.fromEnv(Map.of("STORE_DIR", root.toString())).open();
    store.put("explanations/0/1.jsonl", new byte[] {1});
    assertThat(root.resolve("explanations/0/1.jsonl")).exists();
    assertThat(StoreLocation.fromEnv(Map.of("STORE_URL", root.toUri().toString())).open())
        .isInstanceOf(LocalDirectoryStore.class);
  }

  @Test
  void anAzureUrlOpensTheAzureStoreAndNeverPrintsTheKey() {
    Map<String, String> env =
        Map.of(
            "STORE_URL", "azure://results/gpt2/",
            "AZURE_STORAGE_ACCOUNT", "devstoreaccount1",
            "AZURE_STORAGE_KEY", KEY,
            "AZURE_STORAGE_ENDPOINT", "http://127.0.0.1:1/devstoreaccount1");
    StoreLocation location = StoreLocation.fromEnv(env);
    assertThat(location.open()).isInstanceOf(AzureBlobStore.class);
    assertThat(location.toString()).isEqualTo("azure://results/gpt2/").doesNotContain(KEY);
  }

  @Test
  void badSettingsNameTheVariable() {
    assertThatThrownBy(() -> StoreLocation.fromEnv(Map.of()))
        .hasMessageContaining("STORE_URL or STORE_DIR is required");
    assertThatThrownBy(() -> StoreLocation.fromEnv(Map.of("STORE_URL", "azure://results/x")))
        .hasMessageStartingWith("STORE_URL: ")
        .hasMessageContaining("AZURE_STORAGE_");
    assertThatThrownBy(() -> StoreLocation.fromEnv(Map.of("STORE_URL", "s3://bucket/x")))
        .hasMessageContaining("scheme 's3' is not supported");
    assertThatThrownBy(
            () -> StoreLocation.fromEnv(Map.of("STORE_URL", "file:///a", "STORE_DIR", "/b")))
        .hasMessageContaining("not both");
  }
}
