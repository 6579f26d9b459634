package org.neuronexplainer.common.storage.azure;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running Azurite blob service on {@code host:port}, with its well-known development account.
 * Handed to tests by {@link AzuriteExtension}; the Testcontainers test builds one for its
 * container.
 */
record Azurite(String host, int port) {

  static final String ACCOUNT = "devstoreaccount1";

  // Azurite's published development key (Microsoft's docs list it); it protects nothing.
  static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static final AtomicInteger CONTAINERS = new AtomicInteger();

  /** The blob endpoint: Azurite puts the account in the path, not the host name. */
  String blobEndpoint() {
    return "http://" + host + ":" + port + "/" + ACCOUNT;
  }

  String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + KEY
        + ";BlobEndpoint="
        + blobEndpoint()
        + ";";
  }

  /** Environment for account + key authentication against this Azurite. */
  Map<String, String> keyEnv(String container) {
    return Map.of(
        "AZURE_STORAGE_ACCOUNT", ACCOUNT,
        "AZURE_STORAGE_KEY", KEY,
        "AZURE_STORAGE_ENDPOINT", blobEndpoint(),
        "AZURE_STORAGE_CONTAINER", container);
  }

  /** A container name no other test in this JVM uses, so tests need no cleanup between them. */
  static String freshContainer(String stem) {
    return stem + "-" + ProcessHandle.current().pid() + "-" + CONTAINERS.incrementAndGet();
  }

  /** A store with account + key auth on a new, created container. */
  AzureBlobStore newStore(String stem, String prefix, AzureStoreOptions options) {
    Map<String, String> env = new HashMap<>(keyEnv(freshContainer(stem)));
    env.put("AZURE_STORAGE_PREFIX", prefix);
    AzureBlobStore store = AzureBlobStore.open(AzureStoreConfig.fromEnv(env).withOptions(options));
    store.createContainerIfMissing();
    return store;
  }
}
