package org.neuronexplainer.common.storage.azure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.neuronexplainer.common.config.Env;
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
  public static AzureStoreConfig fromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    return read(
        env, env.string("AZURE_STORAGE_CONTAINER", null), env.string("AZURE_STORAGE_PREFIX", null));
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
    return read(new Env(env), container, prefix);
  }

  private static AzureStoreConfig read(Env env, String container, String prefix) {
    if (container == null) {
      throw Env.missing(
          "AZURE_STORAGE_CONTAINER", "a container name (or a store URL azure://container/prefix)");
    }
    checkContainer(container);
    String connection = env.string("AZURE_STORAGE_CONNECTION_STRING", null);
    String account = env.string("AZURE_STORAGE_ACCOUNT", null);
    String key = env.string("AZURE_STORAGE_KEY", null);
    String sas = env.string("AZURE_STORAGE_SAS_TOKEN", null);
    String endpoint = env.string("AZURE_STORAGE_ENDPOINT", null);
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
      throw Env.invalid("AZURE_STORAGE_ACCOUNT", account, "3-24 lower-case letters and digits");
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
        throw Env.invalidSecret("AZURE_STORAGE_KEY", "the account key in base64");
      }
      return new AzureCredentials.SharedKey(key);
    }
    if (sas != null) {
      if (!sas.contains("sig=")) {
        throw Env.invalidSecret("AZURE_STORAGE_SAS_TOKEN", "a SAS token with a 'sig=' parameter");
      }
      return new AzureCredentials.Sas(sas);
    }
    throw new IllegalArgumentException(
        "AZURE_STORAGE_ACCOUNT needs AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN");
  }

  private static AzureStoreOptions options(Env env) {
    AzureStoreOptions d = AzureStoreOptions.DEFAULTS;
    int tries = env.integer("AZURE_STORAGE_MAX_TRIES", d.maxTries(), 1, 20);
    int seconds =
        env.integer("AZURE_STORAGE_TRY_TIMEOUT_SECONDS", (int) d.tryTimeout().toSeconds(), 1, 3600);
    return d.withRetries(tries, Duration.ofSeconds(seconds));
  }

  private static void checkContainer(String container) {
    // The service's rule: 3-63 characters, lower-case letters, digits and single inner hyphens.
    if (!container.matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")) {
      throw Env.invalid(
          "AZURE_STORAGE_CONTAINER (or the store URL's host)",
          container,
          "a container name: 3-63 lower-case letters, digits and single hyphens");
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
      throw Env.invalid(
          "AZURE_STORAGE_PREFIX (or the store URL's path)",
          prefix,
          "a folder path whose segments are not empty, '.' or '..' (" + e.getMessage() + ")");
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
    throw Env.invalid("AZURE_STORAGE_ENDPOINT", endpoint, "an http(s) URL with a host");
  }

  public AzureStoreConfig withOptions(AzureStoreOptions options) {
    return new AzureStoreConfig(account, endpoint, credentials, container, prefix, options);
  }

  /** The store as a URL, {@code azure://container/prefix}, with no secret in it. */
  public String url() {
    return SCHEME + "://" + container + "/" + prefix;
  }
}
