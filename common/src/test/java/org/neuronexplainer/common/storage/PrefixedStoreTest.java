package org.neuronexplainer.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrefixedStoreTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFolderViewReadsAndWritesBelowItsFolderOnly() {
    InMemoryBlobStore root = new InMemoryBlobStore();
    root.put("collated-activations/0/1.json", bytes("root"));
    BlobStore sae = root.under("saes/res-8/");
    sae.put("collated-activations/8/3.json", bytes("latent"));

    assertThat(root.get("saes/res-8/collated-activations/8/3.json")).contains(bytes("latent"));
    assertThat(sae.exists("collated-activations/0/1.json")).isFalse();
    assertThat(sae.list("collated-activations/")).containsExactly("collated-activations/8/3.json");
    assertThat(sae.list("")).containsExactly("collated-activations/8/3.json");
    assertThat(root.list("collated-activations/")).containsExactly("collated-activations/0/1.json");
    assertThat(sae.getRange("collated-activations/8/3.json", 1, 2)).contains(bytes("at"));
    assertThat(sae.delete("collated-activations/8/3.json")).isTrue();
    assertThat(root.exists("saes/res-8/collated-activations/8/3.json")).isFalse();
  }

  @Test
  void nestedViewsAddUpAndBadFoldersAreRefused() {
    InMemoryBlobStore root = new InMemoryBlobStore();
    root.under("a/").under("b/").put("k", bytes("v"));
    assertThat(root.get("a/b/k")).contains(bytes("v"));
    assertThatThrownBy(() -> root.under("saes")).hasMessageContaining("ends with '/'");
    assertThatThrownBy(() -> root.under("../x/")).hasMessageContaining("..");
    assertThatThrownBy(() -> root.under("saes/x/").get("../y")).hasMessageContaining("..");
  }
}
