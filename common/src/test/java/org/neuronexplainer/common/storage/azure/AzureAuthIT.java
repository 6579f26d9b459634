package org.neuronexplainer.common.storage.azure;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each way of authenticating reaches the same container and sees the same blobs. */
@ExtendWith(AzuriteExtension.class)
class AzureAuthIT {

  private Azurite azurite;
  private AzureBlobStore keyStore;
  private String container;

  @BeforeEach
  void open(Azurite azurite) {
    this.azurite = azurite;
    keyStore = azurite.newStore("auth", "", AzureStoreOptions.DEFAULTS);
    container = keyStore.config().container();
  }

  private static void roundTrip(AzureBlobStore store, AzureBlobStore observer, String key) {
    store.put(key, "payload".getBytes(UTF_8));
    assertThat(observer.get(key))
        .hasValueSatisfying(b -> assertThat(b).asString(UTF_8).isEqualTo("payload"));
    assertThat(store.exists(key)).isTrue();
    assertThat(store.list("")).contains(key);
    assertThat(store.delete(key)).isTrue();
    assertThat(observer.exists(key)).isFalse();
  }

  @Test
  void connectionString() {
    AzureBlobStore store =
        AzureBlobStore.fromEnv(
            Map.of(
                "AZURE_STORAGE_CONNECTION_STRING",
                azurite.connectionString(),
                "AZURE_STORAGE_CONTAINER",
                container));
    assertThat(store.config().account()).isEqualTo(Azurite.ACCOUNT);
    roundTrip(store, keyStore, "cs/k.json");
  }

  @Test
  void accountAndKey() {
    roundTrip(AzureBlobStore.fromEnv(azurite.keyEnv(container)), keyStore, "key/k.json");
  }

  @Test
  void sasToken() {
    String sas =
        sas(
            new BlobContainerSasPermission()
                .setReadPermission(true)
                .setWritePermission(true)
                .setCreatePermission(true)
                .setDeletePermission(true)
                .setListPermission(true));
    roundTrip(sasStore(sas), keyStore, "sas/k.json");
  }

  @Test
  void aReadOnlySasReadsButCannotWriteAndNeverShowsItsSignature() {
    keyStore.put("public/k.json", "x".getBytes(UTF_8));
    String sas =
        sas(new BlobContainerSasPermission().setReadPermission(true).setListPermission(true));
    AzureBlobStore readOnly = sasStore("?" + sas);
    assertThat(readOnly.get("public/k.json")).isPresent();
    assertThat(readOnly.list("public/")).containsExactly("public/k.json");
    String signature = sas.replaceAll(".*sig=([^&]*).*", "$1");
    assertThatThrownBy(() -> readOnly.put("public/k.json", new byte[1]))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("container " + container)
        .hasMessageContaining("blob public/k.json")
        .hasMessageContaining("status 403")
        .hasMessageNotContaining(signature);
    assertThat(readOnly.get("public/k.json")).hasValueSatisfying(b -> assertThat(b).hasSize(1));
  }

  @Test
  void storeUrlWithCredentialsFromTheEnvironment() {
    Map<String, String> env = new HashMap<>(azurite.keyEnv("ignored"));
    AzureBlobStore store = AzureBlobStore.fromUrl("azure://" + container + "/runs/r1", env);
    store.put("spec.json", "{}".getBytes(UTF_8));
    assertThat(keyStore.list("runs/")).containsExactly("runs/r1/spec.json");
  }

  private String sas(BlobContainerSasPermission permissions) {
    return keyStore
        .containerClient()
        .generateSas(
            new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1), permissions));
  }

  private AzureBlobStore sasStore(String sas) {
    return AzureBlobStore.fromEnv(
        Map.of(
            "AZURE_STORAGE_ACCOUNT",
            Azurite.ACCOUNT,
            "AZURE_STORAGE_SAS_TOKEN",
            sas,
            "AZURE_STORAGE_ENDPOINT",
            azurite.blobEndpoint(),
            "AZURE_STORAGE_CONTAINER",
            container));
  }
}
