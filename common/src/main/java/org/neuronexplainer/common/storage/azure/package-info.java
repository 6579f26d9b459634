/**
 * The {@link org.neuronexplainer.common.storage.BlobStore} in Azure Blob Storage; the only package
 * that uses the Azure SDK.
 *
 * <p>{@link org.neuronexplainer.common.storage.azure.AzureStoreConfig} reads where and how to
 * connect from {@code AZURE_STORAGE_*} variables or an {@code azure://container/prefix} URL, and
 * {@link org.neuronexplainer.common.storage.azure.AzureBlobStore} maps keys to block blobs under
 * the prefix. Failures surface as {@link java.io.UncheckedIOException} naming the account,
 * container, blob and status; no message carries an account key or a SAS signature. Retries and
 * per-attempt timeouts are the SDK's retry policy, set from {@link
 * org.neuronexplainer.common.storage.azure.AzureStoreOptions}.
 */
package org.neuronexplainer.common.storage.azure;
