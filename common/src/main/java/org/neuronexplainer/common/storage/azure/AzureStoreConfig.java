package org.neuronexplainer.common.storage.azure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * Where an {@link AzureBlobStore} lives and how it authenticates, read once from the environment.
 *
 * <p>Exactly one way to authenticate: {@code AZURE_STORAGE_CONNECTION_STRING}, or {@code
 * AZURE_STORAGE_ACCOUNT} with {@code AZURE_STORAGE_KEY}, or {@code AZURE_STORAGE_ACCOUNT} with
 * {@code AZURE_STORAGE_SAS_TOKEN}. Managed identities (DefaultAzureCredential) are not supported:
 * they need azure-identity and its MSAL dependencies; on AKS mount a SAS or key from a Secret.
 *
 * @param account the storage account's name, used in messages
 * @param endpoint the blob service URL ({@code AZURE_STORAGE_ENDPOINT}, default {@code
 *     https://{account}.blob.core.windows.net}); null when the connection string names it
 * @param credentials the secret; printed as {@code ***}
 * @param container {@code AZURE_STORAGE_CONTAINER}, required unless a store URL names it
 * @param prefix {@code AZURE_STORAGE_PREFIX}: the "folder" every key lives under, "" or ending in
 *     '/'
 * @param options retries ({@code AZURE_STORAGE_MAX_TRIES}, {@code
 *     AZURE_STORAGE_TRY_TIMEOUT_SECONDS}) and sizes
 */
public record AzureStoreConfig(
    String account,
    String endpoint,
    AzureCredentials credentials,
    String container,
    String prefix,
    AzureStoreOptions options) {

  /** The URL scheme of a store in Azure: {@code azure://container/prefix}. */
  public static final String SCHEME = "azure";

  /**
   * Reads and checks the configuration.
   *
   * @throws IllegalArgumentException naming the variable, for a missing or bad value; never showing
   *     a secret
   */
  public static AzureStoreConfig fromEnv(Map<String, String> env) {
    return read(env, value(env, "AZURE_STORAGE_CONTAINER"), value(env, "AZURE_STORAGE_PREFIX"));
  }

  /**
   * Reads the configuration for a store URL {@code azure://container[/prefix]}: the URL names the
   * container and prefix, the environment the account and credentials.
   */
  public static AzureStoreConfig fromUrl(String url, Map<String, String> env) {
    String rest = url == null ? "" : url.strip();
    if (!rest.regionMatches(true, 0, SCHEME + "://", 0, SCHEME.length() + 3)) {
      throw new IllegalArgumentException("not an azure:// store URL: " + url);
    }
    rest = rest.substring(SCHEME.length() + 3);
    int slash = rest.indexOf('/');
    String container = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (container.isEmpty()) {
      throw new IllegalArgumentException("store URL names no container: " + url);
    }
    return read(env, container, prefix);
  }

  private static AzureStoreConfig read(Map<String, String> env, String container, String prefix) {
    if (container == null) {
      throw new IllegalArgumentException(
          "AZURE_STORAGE_CONTAINER is required (or a store URL azure://container/prefix)");
    }
    checkContainer(container);
    String connection = value(env, "AZURE_STORAGE_CONNECTION_STRING");
    String account = value(env, "AZURE_STORAGE_ACCOUNT");
    String key = value(env, "AZURE_STORAGE_KEY");
    String sas = value(env, "AZURE_STORAGE_SAS_TOKEN");
    String endpoint = value(env, "AZURE_STORAGE_ENDPOINT");
    AzureStoreOptions options = options(env);
    String normalized = normalizePrefix(prefix);
    if (connection != null) {
      if (key != null || sas != null || endpoint != null) {
        throw new IllegalArgumentException(
            "AZURE_STORAGE_CONNECTION_STRING is set, so AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN"
                + " and AZURE_STORAGE_ENDPOINT must not be: the connection string carries them");
      }
      String named = ConnectionStrings.accountName(connection);
      if (account != null && !account.equals(named)) {
        throw new IllegalArgumentException(
            "AZURE_STORAGE_ACCOUNT '"
                + account
                + "' differs from the connection string's account '"
                + named
                + "'");
      }
      return new AzureStoreConfig(
          named,
          null,
          new AzureCredentials.ConnectionString(connection),
          container,
          normalized,
          options);
    }
    if (account == null) {
      throw new IllegalArgumentException(
          "set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or"
              + " AZURE_STORAGE_SAS_TOKEN");
    }
    if (!account.matches("[a-z0-9]{3,24}")) {
      throw new IllegalArgumentException(
          "AZURE_STORAGE_ACCOUNT: '" + account + "' is not 3-24 lower-case letters and digits");
    }
    AzureCredentials credentials = credentials(key, sas);
    return new AzureStoreConfig(
        account,
        endpoint == null
            ? "https://" + account + ".blob.core.windows.net"
            : checkEndpoint(endpoint),
        credentials,
        container,
        normalized,
        options);
  }

  private static AzureCredentials credentials(String key, String sas) {
    if (key != null && sas != null) {
      throw new IllegalArgumentException(
          "set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, not both");
    }
    if (key != null) {
      try {
        Base64.getDecoder().decode(key);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("AZURE_STORAGE_KEY is not base64 (value not shown)");
      }
      return new AzureCredentials.SharedKey(key);
    }
    if (sas != null) {
      if (!sas.contains("sig=")) {
        throw new IllegalArgumentException(
            "AZURE_STORAGE_SAS_TOKEN has no 'sig=' parameter (value not shown)");
      }
      return new AzureCredentials.Sas(sas);
    }
    throw new IllegalArgumentException(
        "AZURE_STORAGE_ACCOUNT needs AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN");
  }

  private static AzureStoreOptions options(Map<String, String> env) {
    AzureStoreOptions d = AzureStoreOptions.DEFAULTS;
    int tries = whole(env, "AZURE_STORAGE_MAX_TRIES", d.maxTries(), 20);
    int seconds =
        whole(env, "AZURE_STORAGE_TRY_TIMEOUT_SECONDS", (int) d.tryTimeout().toSeconds(), 3600);
    return d.withRetries(tries, Duration.ofSeconds(seconds));
  }

  private static void checkContainer(String container) {
    // The service's rule: 3-63 characters, lower-case letters, digits and single inner hyphens.
    if (!container.matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")) {
      throw new IllegalArgumentException(
          "AZURE_STORAGE_CONTAINER (or the store URL's host): '"
              + container
              + "' is not a container name (3-63 lower-case letters, digits, single hyphens)");
    }
  }

  /** "" stays "", "a/b" and "/a/b/" become "a/b/": the prefix names a folder, not a key stem. */
  static String normalizePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    String p = prefix.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      return "";
    }
    try {
      BlobStore.requireValidKey(p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "AZURE_STORAGE_PREFIX (or the store URL's path): " + e.getMessage(), e);
    }
    return p + "/";
  }

  private static String checkEndpoint(String endpoint) {
    try {
      URI uri = new URI(endpoint);
      String scheme = uri.getScheme();
      if (uri.getHost() != null && ("https".equals(scheme) || "http".equals(scheme))) {
        return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "AZURE_STORAGE_ENDPOINT: '" + endpoint + "' is not an http(s) URL with a host");
  }

  private static int whole(Map<String, String> env, String name, int fallback, int max) {
    String v = value(env, name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw new IllegalArgumentException(name + ": '" + v + "' is not a whole number in 1.." + max);
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  public AzureStoreConfig withOptions(AzureStoreOptions options) {
    return new AzureStoreConfig(account, endpoint, credentials, container, prefix, options);
  }

  /** The store as a URL, {@code azure://container/prefix}, with no secret in it. */
  public String url() {
    return SCHEME + "://" + container + "/" + prefix;
  }
}
