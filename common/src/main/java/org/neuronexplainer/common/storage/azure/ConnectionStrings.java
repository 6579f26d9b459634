package org.neuronexplainer.common.storage.azure;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/** What the store needs to know of a connection string without handing it to the SDK. */
final class ConnectionStrings {

  /** Azurite's well-known account, which {@code UseDevelopmentStorage=true} stands for. */
  static final String DEVELOPMENT_ACCOUNT = "devstoreaccount1";

  // Secrets that can appear in a connection string, a SAS query or an error text.
  private static final Pattern SECRETS =
      Pattern.compile("(?i)(sig|AccountKey|SharedAccessSignature)=[^&;\\s\"'<]*");

  private ConnectionStrings() {}

  /**
   * The account a connection string names: its {@code AccountName}, else the first label of its
   * {@code BlobEndpoint} host (a SAS connection string has only that).
   *
   * @throws IllegalArgumentException naming the variable, never quoting the string
   */
  static String accountName(String connection) {
    String name = null;
    String endpoint = null;
    boolean development = false;
    for (String part : connection.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "AZURE_STORAGE_CONNECTION_STRING is not a list of Key=Value pairs (value not shown)");
      }
      String key = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = part.substring(eq + 1).strip();
      switch (key) {
        case "accountname" -> name = value;
        case "blobendpoint" -> endpoint = value;
        case "usedevelopmentstorage" -> development = value.equalsIgnoreCase("true");
        default -> {
          // keys, SAS and other endpoints are the SDK's business
        }
      }
    }
    if (name != null) {
      return name;
    }
    if (development) {
      return DEVELOPMENT_ACCOUNT;
    }
    if (endpoint != null) {
      String host = URI.create(endpoint).getHost();
      if (host != null) {
        int dot = host.indexOf('.');
        return dot < 0 ? host : host.substring(0, dot);
      }
    }
    throw new IllegalArgumentException(
        "AZURE_STORAGE_CONNECTION_STRING names neither AccountName nor BlobEndpoint");
  }

  /** {@code text} with every key, signature and SAS value replaced by {@code ***}. */
  static String scrub(String text) {
    return text == null ? "" : SECRETS.matcher(text).replaceAll("$1=***");
  }
}
