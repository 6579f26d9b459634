package org.neuronexplainer.common.storage;

class InMemoryBlobStoreTest extends BlobStoreContract {

  private final InMemoryBlobStore store = new InMemoryBlobStore();

  @Override
  protected BlobStore store() {
    return store;
  }
}
