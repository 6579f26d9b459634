package org.neuronexplainer.common.storage.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.time.Duration;

/** Builds the SDK's container client from an {@link AzureStoreConfig}. */
final class AzureClients {

  // Connecting is quick or hopeless: fail the attempt early and let the retry policy try again.
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(500);
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

  private AzureClients() {}

  /**
   * The SDK sets Content-Length on every request, which the JDK client refuses (and computes
   * itself) with a warning per request unless the header is allowed. The JDK reads the property
   * once, when its HTTP client is first used: launchers should pass {@code
   * -Djdk.httpclient.allowRestrictedHeaders=content-length}; this covers processes that did not and
   * have not used the JDK client yet.
   */
  private static void allowContentLengthHeader() {
    if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
      System.setProperty("jdk.httpclient.allowRestrictedHeaders", "content-length");
    }
  }

  static BlobContainerClient container(AzureStoreConfig config) {
    allowContentLengthHeader();
    AzureStoreOptions options = config.options();
    // The JDK transport instead of the SDK's default Netty one (see common/pom.xml).
    HttpClient http = new JdkHttpClientBuilder().connectionTimeout(CONNECT_TIMEOUT).build();
    BlobServiceClientBuilder builder =
        new BlobServiceClientBuilder()
            .httpClient(http)
            .retryOptions(
                new RequestRetryOptions(
                    RetryPolicyType.EXPONENTIAL,
                    options.maxTries(),
                    options.tryTimeout(),
                    FIRST_RETRY_DELAY,
                    MAX_RETRY_DELAY,
                    null));
    AzureCredentials credentials = config.credentials();
    try {
      if (credentials instanceof AzureCredentials.ConnectionString c) {
        builder.connectionString(c.value());
      } else if (credentials instanceof AzureCredentials.SharedKey k) {
        builder
            .endpoint(config.endpoint())
            .credential(new StorageSharedKeyCredential(config.account(), k.key()));
      } else if (credentials instanceof AzureCredentials.Sas s) {
        builder.endpoint(config.endpoint()).sasToken(s.token());
      }
      return builder.buildClient().getBlobContainerClient(config.container());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(
          "the Azure SDK rejected the storage settings of account "
              + config.account()
              + ": "
              + ConnectionStrings.scrub(e.getMessage()));
    }
  }
}
