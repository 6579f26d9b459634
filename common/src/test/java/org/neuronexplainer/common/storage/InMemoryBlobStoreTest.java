package org.neuronexplainer.common.storage;

class InMemoryBlobStoreTest extends BlobStoreContract {

  private final InMemoryBlobStore store = new InMemoryBlobStore();

  @Override
  BlobStore store() {
    return store;
  }
}
