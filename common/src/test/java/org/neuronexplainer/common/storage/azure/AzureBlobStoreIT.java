package org.neuronexplainer.common.storage.azure;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.BlobStoreContract;

/** The shared BlobStore contract, and Azure's own behaviour, against Azurite. */
@ExtendWith(AzuriteExtension.class)
class AzureBlobStoreIT extends BlobStoreContract {

  private Azurite azurite;
  private AzureBlobStore store;

  @BeforeEach
  void open(Azurite azurite) {
    this.azurite = azurite;
    // Under a prefix, so every contract test also checks that keys map to and from blob names.
    store = azurite.newStore("contract", "root/", AzureStoreOptions.DEFAULTS);
  }

  @Override
  protected BlobStore store() {
    return store;
  }

  @Test
  void keysLiveUnderThePrefixAndBlobsOutsideItAreNotListed() {
    store.put("a/b.json", "{}".getBytes(UTF_8));
    store.containerClient().getBlobClient("elsewhere/x").upload(BinaryData.fromString("x"));
    store.containerClient().getBlobClient("rootless").upload(BinaryData.fromString("x"));

    assertThat(store.containerClient().getBlobClient("root/a/b.json").exists()).isTrue();
    assertThat(store.list("")).containsExactly("a/b.json");
    assertThat(store.get("elsewhere/x")).isEmpty();
  }

  @Test
  void aMissingContainerIsAnErrorNotAnAbsentBlob() {
    Map<String, String> env = new HashMap<>(azurite.keyEnv(Azurite.freshContainer("missing")));
    AzureBlobStore nowhere = AzureBlobStore.fromEnv(env);
    assertThatThrownBy(() -> nowhere.get("k.json"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("account devstoreaccount1")
        .hasMessageContaining("container " + nowhere.config().container())
        .hasMessageContaining("blob k.json")
        .hasMessageContaining("status 404 ContainerNotFound");
    assertThatThrownBy(() -> nowhere.put("k.json", new byte[1]))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("status 404");
  }

  @Test
  void aWrongKeyFailsWithTheStatusAndWithoutTheKey() {
    String wrongKey = Base64.getEncoder().encodeToString("not the key".getBytes(UTF_8));
    Map<String, String> env = new HashMap<>(azurite.keyEnv(store.config().container()));
    env.put("AZURE_STORAGE_KEY", wrongKey);
    env.put("AZURE_STORAGE_PREFIX", "root");
    AzureBlobStore wrong = AzureBlobStore.fromEnv(env);
    assertThatThrownBy(() -> wrong.put("k.json", new byte[1]))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("put failed for account devstoreaccount1")
        .hasMessageContaining("blob root/k.json")
        .hasMessageContaining("status 403")
        .hasMessageNotContaining(wrongKey)
        .hasMessageNotContaining(Azurite.KEY);
    assertThat(wrong.toString()).doesNotContain(wrongKey).contains("azure://");
  }

  @Test
  void aStoppedServiceIsAnIoErrorAfterTheRetries() {
    Map<String, String> env = new HashMap<>(azurite.keyEnv(store.config().container()));
    // Port 9 (discard) on loopback: nothing listens, so every attempt is refused at once.
    env.put("AZURE_STORAGE_ENDPOINT", "http://127.0.0.1:9/devstoreaccount1");
    env.put("AZURE_STORAGE_MAX_TRIES", "2");
    AzureBlobStore down = AzureBlobStore.fromEnv(env);
    assertThatThrownBy(() -> down.exists("k.json"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("exists failed for account devstoreaccount1")
        .hasMessageNotContaining(Azurite.KEY);
  }
}
