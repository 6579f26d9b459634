package org.neuronexplainer.common.storage.azure;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * A {@link BlobStore} in an Azure Blob Storage container: key {@code a/b.json} is the block blob
 * {@code {prefix}a/b.json}.
 *
 * <p>Readers never see a partial blob. A block blob's content changes only when a Put Blob or a Put
 * Block List request commits; until then readers get the previous version (or 404), and staged but
 * uncommitted blocks are invisible. A get is one download request of one version: when the SDK
 * resumes a broken download it pins the blob's ETag, so it fails rather than mixing two versions.
 *
 * <p>Two writers committing large blobs to the same key at once may see one of them fail (a commit
 * drops the other's uncommitted blocks); outputs are idempotent, so the loser's retry is harmless.
 *
 * <p>Thread-safe: the SDK's container client is, and the store holds no other state.
 */
public final class AzureBlobStore implements BlobStore {

  private final AzureStoreConfig config;
  private final BlobContainerClient container;

  AzureBlobStore(AzureStoreConfig config, BlobContainerClient container) {
    this.config = config;
    this.container = container;
  }

  /** A store for {@code config}; it does not contact the service. */
  public static AzureBlobStore open(AzureStoreConfig config) {
    return new AzureBlobStore(config, AzureClients.container(config));
  }

  /** A store from {@code AZURE_STORAGE_*} variables; see {@link AzureStoreConfig}. */
  public static AzureBlobStore fromEnv(Map<String, String> env) {
    return open(AzureStoreConfig.fromEnv(env));
  }

  /** A store for {@code azure://container[/prefix]}, with credentials from the environment. */
  public static AzureBlobStore fromUrl(String url, Map<String, String> env) {
    return open(AzureStoreConfig.fromUrl(url, env));
  }

  /** Whether {@code text} is a store URL this class opens: {@code azure://...}. */
  public static boolean isAzureUrl(String text) {
    return text != null
        && text.strip().toLowerCase(Locale.ROOT).startsWith(AzureStoreConfig.SCHEME + "://");
  }

  public AzureStoreConfig config() {
    return config;
  }

  /** Creates the (private) container when it is missing; returns whether it was created. */
  public boolean createContainerIfMissing() {
    try {
      return container.createIfNotExists();
    } catch (RuntimeException e) {
      throw AzureErrors.failure("create container", where(null), e);
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    String name = blobName(key);
    try {
      BinaryData data =
          container
              .getBlobClient(name)
              .downloadContentWithResponse(null, null, null, Context.NONE)
              .getValue();
      return Optional.of(data.toBytes());
    } catch (BlobStorageException e) {
      // Only a missing blob is "absent"; a missing container is a misconfiguration.
      if (e.getStatusCode() == 404 && BlobErrorCode.BLOB_NOT_FOUND.equals(e.getErrorCode())) {
        return Optional.empty();
      }
      throw AzureErrors.failure("get", where(name), e);
    } catch (RuntimeException e) {
      throw AzureErrors.failure("get", where(name), e);
    }
  }

  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    BlobStore.checkRange(offset, length);
    if (length == 0) {
      return exists(key) ? Optional.of(new byte[0]) : Optional.empty();
    }
    String name = blobName(key);
    try {
      BinaryData data =
          container
              .getBlobClient(name)
              .downloadContentWithResponse(
                  null, null, new BlobRange(offset, (long) length), false, null, Context.NONE)
              .getValue();
      return Optional.of(data.toBytes());
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404 && BlobErrorCode.BLOB_NOT_FOUND.equals(e.getErrorCode())) {
        return Optional.empty();
      }
      if (e.getStatusCode() == 416) {
        return Optional.of(new byte[0]); // the range starts at or past the blob's end
      }
      throw AzureErrors.failure("get", where(name), e);
    } catch (RuntimeException e) {
      throw AzureErrors.failure("get", where(name), e);
    }
  }

  @Override
  public void put(String key, byte[] data) {
    String name = blobName(key);
    BlockBlobClient blob = container.getBlobClient(name).getBlockBlobClient();
    try {
      if (data.length <= config.options().singleUploadLimit()) {
        // One Put Blob request: the new content is visible only once the request has committed.
        blob.uploadWithResponse(
            new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(data)), null, Context.NONE);
      } else {
        putInBlocks(blob, data);
      }
    } catch (RuntimeException e) {
      throw AzureErrors.failure("put", where(name), e);
    }
  }

  /**
   * Stages the blocks, then commits them with one Put Block List, which replaces the blob in one
   * step: until the commit, readers see the previous blob.
   */
  private void putInBlocks(BlockBlobClient blob, byte[] data) {
    int blockSize = config.options().blockSize();
    // Block ids must have one length within a blob; a fresh upload id keeps a concurrent writer's
    // staged blocks apart from ours.
    String upload = UUID.randomUUID().toString();
    List<String> ids = new ArrayList<>();
    for (int offset = 0; offset < data.length; offset += blockSize) {
      int length = Math.min(blockSize, data.length - offset);
      String id =
          Base64.getEncoder()
              .encodeToString(String.format("%s-%07d", upload, ids.size()).getBytes(UTF_8));
      blob.stageBlock(id, BinaryData.fromByteBuffer(ByteBuffer.wrap(data, offset, length)));
      ids.add(id);
    }
    blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(ids), null, Context.NONE);
  }

  @Override
  public boolean exists(String key) {
    String name = blobName(key);
    try {
      return container.getBlobClient(name).existsWithResponse(null, Context.NONE).getValue();
    } catch (RuntimeException e) {
      throw AzureErrors.failure("exists", where(name), e);
    }
  }

  @Override
  public boolean delete(String key) {
    String name = blobName(key);
    try {
      return container
          .getBlobClient(name)
          .deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE)
          .getValue();
    } catch (RuntimeException e) {
      throw AzureErrors.failure("delete", where(name), e);
    }
  }

  @Override
  public List<String> list(String prefix) {
    BlobStore.requireValidPrefix(prefix);
    String full = config.prefix() + prefix;
    ListBlobsOptions options =
        new ListBlobsOptions()
            .setPrefix(full.isEmpty() ? null : full)
            .setMaxResultsPerPage(config.options().listPageSize());
    List<String> keys = new ArrayList<>();
    try {
      // Page by page, each page a request that follows the previous page's continuation token.
      for (PagedResponse<BlobItem> page : container.listBlobs(options, null).iterableByPage()) {
        for (BlobItem item : page.getValue()) {
          keys.add(item.getName().substring(config.prefix().length()));
        }
      }
    } catch (RuntimeException e) {
      throw AzureErrors.failure("list", where(full + "*"), e);
    }
    // The service orders by UTF-8 bytes; the contract sorts as Java strings do.
    keys.sort(null);
    return keys;
  }

  private String blobName(String key) {
    return config.prefix() + BlobStore.requireValidKey(key);
  }

  private String where(String blobName) {
    return "account "
        + config.account()
        + ", container "
        + config.container()
        + (blobName == null ? "" : ", blob " + blobName);
  }

  BlobContainerClient containerClient() {
    return container;
  }

  @Override
  public String toString() {
    return "AzureBlobStore[account=" + config.account() + ", " + config.url() + "]";
  }
}
