package org.neuronexplainer.common.storage.azure;

/**
 * How the store authenticates to Azure Blob Storage. Every variant prints its secret as {@code
 * ***}, so a configuration can be logged.
 */
public sealed interface AzureCredentials {

  /** A full connection string ({@code AZURE_STORAGE_CONNECTION_STRING}); it names the endpoint. */
  record ConnectionString(String value) implements AzureCredentials {
    @Override
    public String toString() {
      return "ConnectionString[***]";
    }
  }

  /** The account's shared key ({@code AZURE_STORAGE_KEY}), base64 as the portal shows it. */
  record SharedKey(String key) implements AzureCredentials {
    @Override
    public String toString() {
      return "SharedKey[***]";
    }
  }

  /** A shared access signature ({@code AZURE_STORAGE_SAS_TOKEN}), without the leading '?'. */
  record Sas(String token) implements AzureCredentials {
    public Sas {
      token = token.startsWith("?") ? token.substring(1) : token;
    }

    @Override
    public String toString() {
      return "Sas[***]";
    }
  }
}
