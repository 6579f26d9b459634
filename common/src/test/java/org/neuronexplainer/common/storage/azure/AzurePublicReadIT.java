package org.neuronexplainer.common.storage.azure;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.PublicAccessType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A container with public read access to blobs, as OpenAI's dataset container is: anyone reads a
 * blob by URL without credentials, nobody lists the container anonymously.
 */
@ExtendWith(AzuriteExtension.class)
class AzurePublicReadIT {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<byte[]> anonymousGet(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void blobsOfAPublicContainerAreReadableWithoutCredentials(Azurite azurite) throws Exception {
    Map<String, String> env = new HashMap<>(azurite.keyEnv(Azurite.freshContainer("public")));
    env.put("AZURE_STORAGE_PREFIX", "neuron-explainer/data");
    AzureBlobStore store = AzureBlobStore.fromEnv(env);
    store.containerClient().createWithResponse(null, PublicAccessType.BLOB, null, Context.NONE);
    String key = "collated-activations/0/0.json";
    store.put(key, "{\"dataclass_name\":\"NeuronRecord\"}".getBytes(UTF_8));

    String containerUrl = azurite.blobEndpoint() + "/" + store.config().container();
    HttpResponse<byte[]> blob = anonymousGet(containerUrl + "/neuron-explainer/data/" + key);
    assertThat(blob.statusCode()).isEqualTo(200);
    assertThat(new String(blob.body(), UTF_8)).contains("NeuronRecord");

    assertThat(anonymousGet(containerUrl + "/neuron-explainer/data/absent.json").statusCode())
        .isEqualTo(404);
    HttpResponse<byte[]> listing = anonymousGet(containerUrl + "?restype=container&comp=list");
    assertThat(listing.statusCode()).as("anonymous listing").isNotEqualTo(200);
  }

  @Test
  void blobsOfAPrivateContainerAreNot(Azurite azurite) throws Exception {
    AzureBlobStore store = azurite.newStore("private", "", AzureStoreOptions.DEFAULTS);
    store.put("k.json", "{}".getBytes(UTF_8));
    String url = azurite.blobEndpoint() + "/" + store.config().container() + "/k.json";
    assertThat(anonymousGet(url).statusCode()).isIn(403, 404);
  }
}
