package org.neuronexplainer.common.storage.azure;

import java.time.Duration;

/**
 * How the store talks to the service: retries, timeouts, upload and listing sizes.
 *
 * @param maxTries attempts per request, the first included ({@code AZURE_STORAGE_MAX_TRIES})
 * @param tryTimeout limit on one attempt ({@code AZURE_STORAGE_TRY_TIMEOUT_SECONDS})
 * @param singleUploadLimit the largest blob sent as one Put Blob request; larger ones are staged in
 *     blocks and committed with one Put Block List
 * @param blockSize the size of each staged block
 * @param listPageSize the most keys one List Blobs request returns (the service's cap is 5000)
 */
public record AzureStoreOptions(
    int maxTries, Duration tryTimeout, int singleUploadLimit, int blockSize, int listPageSize) {

  /** Defaults for a pod in the same region as its account. */
  public static final AzureStoreOptions DEFAULTS =
      new AzureStoreOptions(4, Duration.ofSeconds(60), 32 << 20, 8 << 20, 5000);

  /** The service's limits on one Put Blob and one Put Block request (API 2019-12-12 and later). */
  static final long MAX_SINGLE_UPLOAD = 5000L << 20;

  static final long MAX_BLOCK = 4000L << 20;

  public AzureStoreOptions {
    if (maxTries < 1) {
      throw new IllegalArgumentException("maxTries must be at least 1: " + maxTries);
    }
    if (tryTimeout.isNegative() || tryTimeout.isZero()) {
      throw new IllegalArgumentException("tryTimeout must be positive: " + tryTimeout);
    }
    if (singleUploadLimit < 1 || singleUploadLimit > MAX_SINGLE_UPLOAD) {
      throw new IllegalArgumentException("singleUploadLimit out of range: " + singleUploadLimit);
    }
    if (blockSize < 1 || blockSize > MAX_BLOCK) {
      throw new IllegalArgumentException("blockSize out of range: " + blockSize);
    }
    if (listPageSize < 1 || listPageSize > 5000) {
      throw new IllegalArgumentException("listPageSize must be in 1..5000: " + listPageSize);
    }
  }

  public AzureStoreOptions withUploadSizes(int singleUploadLimit, int blockSize) {
    return new AzureStoreOptions(maxTries, tryTimeout, singleUploadLimit, blockSize, listPageSize);
  }

  public AzureStoreOptions withListPageSize(int listPageSize) {
    return new AzureStoreOptions(maxTries, tryTimeout, singleUploadLimit, blockSize, listPageSize);
  }

  public AzureStoreOptions withRetries(int maxTries, Duration tryTimeout) {
    return new AzureStoreOptions(maxTries, tryTimeout, singleUploadLimit, blockSize, listPageSize);
  }
}
