package org.neuronexplainer.common.storage.azure;

import org.junit.jupiter.api.BeforeEach;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.BlobStoreContract;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The BlobStore contract against Azurite's container image, where a Docker daemon exists; skipped
 * elsewhere. {@link AzureBlobStoreIT} runs the same contract against Azurite from npm.
 */
@Testcontainers(disabledWithoutDocker = true)
class AzuriteContainerIT extends BlobStoreContract {

  private static final int BLOB_PORT = 10000;

  @Container
  static final GenericContainer<?> AZURITE =
      new GenericContainer<>(
              DockerImageName.parse("mcr.microsoft.com/azure-storage/azurite:3.37.0"))
          .withCommand(
              "azurite-blob",
              "--blobHost",
              "0.0.0.0",
              "--blobPort",
              Integer.toString(BLOB_PORT),
              "--inMemoryPersistence",
              "--disableTelemetry",
              "--skipApiVersionCheck",
              "--loose")
          .withExposedPorts(BLOB_PORT)
          .waitingFor(Wait.forListeningPort());

  private AzureBlobStore store;

  @BeforeEach
  void open() {
    Azurite azurite = new Azurite(AZURITE.getHost(), AZURITE.getMappedPort(BLOB_PORT));
    store = azurite.newStore("container", "root/", AzureStoreOptions.DEFAULTS);
  }

  @Override
  protected BlobStore store() {
    return store;
  }
}
