package org.neuronexplainer.common.storage.azure;

import com.azure.storage.blob.models.BlobStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns SDK failures into the {@link UncheckedIOException} the BlobStore contract promises, with a
 * message that names the account, container and blob and the service's status, and never a key or
 * signature.
 */
final class AzureErrors {

  private AzureErrors() {}

  static UncheckedIOException failure(String operation, String where, RuntimeException e) {
    if (e instanceof BlobStorageException storage) {
      // The service's own text is left out: it may quote the request, and the status, error code
      // and request id are what an operator needs.
      String requestId =
          storage.getResponse() == null
              ? null
              : storage.getResponse().getHeaderValue("x-ms-request-id");
      return new UncheckedIOException(
          new IOException(
              operation
                  + " failed for "
                  + where
                  + ": status "
                  + storage.getStatusCode()
                  + (storage.getErrorCode() == null ? "" : " " + storage.getErrorCode())
                  + (requestId == null ? "" : " (request id " + requestId + ")")));
    }
    String detail = ConnectionStrings.scrub(describe(e));
    IOException io = new IOException(operation + " failed for " + where + ": " + detail);
    // Keep the cause for its stack trace only when no message along the chain carries a secret.
    if (!containsSecret(e)) {
      io.initCause(e);
    }
    return new UncheckedIOException(io);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    return root == e ? text : text + " (caused by " + root + ")";
  }

  private static boolean containsSecret(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (message != null && !ConnectionStrings.scrub(message).equals(message)) {
        return true;
      }
    }
    return false;
  }
}
