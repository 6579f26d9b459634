package org.neuronexplainer.common.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureStoreConfigTest {

  // Azurite's published development key: not a secret, but treated as one here.
  static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  static final String SAS = "sv=2024-08-04&ss=b&srt=co&sp=rl&se=2030-01-01&sig=c2VjcmV0c2ln";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void accountAndKeyWithTheDefaultEndpoint() {
    AzureStoreConfig config =
        AzureStoreConfig.fromEnv(
            env(
                "AZURE_STORAGE_ACCOUNT", "myaccount",
                "AZURE_STORAGE_KEY", KEY,
                "AZURE_STORAGE_CONTAINER", "neuron-data",
                "AZURE_STORAGE_PREFIX", "/gpt2-small/run-1"));
    assertThat(config.endpoint()).isEqualTo("https://myaccount.blob.core.windows.net");
    assertThat(config.credentials()).isInstanceOf(AzureCredentials.SharedKey.class);
    assertThat(config.prefix()).isEqualTo("gpt2-small/run-1/");
    assertThat(config.url()).isEqualTo("azure://neuron-data/gpt2-small/run-1/");
    assertThat(config.options()).isEqualTo(AzureStoreOptions.DEFAULTS);
    assertThat(config.toString()).doesNotContain(KEY).contains("***");
  }

  @Test
  void sasTokenLosesItsQuestionMarkAndIsNeverPrinted() {
    AzureStoreConfig config =
        AzureStoreConfig.fromEnv(
            env(
                "AZURE_STORAGE_ACCOUNT", "myaccount",
                "AZURE_STORAGE_SAS_TOKEN", "?" + SAS,
                "AZURE_STORAGE_CONTAINER", "data",
                "AZURE_STORAGE_ENDPOINT", "http://127.0.0.1:10000/myaccount/"));
    assertThat(((AzureCredentials.Sas) config.credentials()).token()).isEqualTo(SAS);
    assertThat(config.endpoint()).isEqualTo("http://127.0.0.1:10000/myaccount");
    assertThat(config.prefix()).isEmpty();
    assertThat(config.toString()).doesNotContain("c2VjcmV0c2ln");
  }

  @Test
  void connectionStringNamesTheAccount() {
    String cs =
        "DefaultEndpointsProtocol=https;AccountName=prod01;AccountKey="
            + KEY
            + ";EndpointSuffix=core.windows.net";
    AzureStoreConfig config =
        AzureStoreConfig.fromEnv(
            env("AZURE_STORAGE_CONNECTION_STRING", cs, "AZURE_STORAGE_CONTAINER", "data"));
    assertThat(config.account()).isEqualTo("prod01");
    assertThat(config.endpoint()).isNull();
    assertThat(config.toString()).doesNotContain(KEY);
    assertThat(
            AzureStoreConfig.fromEnv(
                    env(
                        "AZURE_STORAGE_CONNECTION_STRING",
                        "UseDevelopmentStorage=true",
                        "AZURE_STORAGE_CONTAINER",
                        "data"))
                .account())
        .isEqualTo("devstoreaccount1");
    assertThat(
            ConnectionStrings.accountName(
                "BlobEndpoint=https://sasonly.blob.core.windows.net/;SharedAccessSignature=" + SAS))
        .isEqualTo("sasonly");
  }

  @Test
  void storeUrlNamesContainerAndPrefix() {
    Map<String, String> env =
        env(
            "AZURE_STORAGE_ACCOUNT", "myaccount",
            "AZURE_STORAGE_KEY", KEY,
            "AZURE_STORAGE_CONTAINER", "ignored-by-url");
    AzureStoreConfig config = AzureStoreConfig.fromUrl("azure://results/gpt2/xl/", env);
    assertThat(config.container()).isEqualTo("results");
    assertThat(config.prefix()).isEqualTo("gpt2/xl/");
    assertThat(AzureStoreConfig.fromUrl("AZURE://results", env).prefix()).isEmpty();
    assertThat(AzureBlobStore.isAzureUrl(" azure://results/x")).isTrue();
    assertThat(AzureBlobStore.isAzureUrl("https://results/x")).isFalse();
    assertThatThrownBy(() -> AzureStoreConfig.fromUrl("azure:///x", env))
        .hasMessageContaining("no container");
    assertThatThrownBy(() -> AzureStoreConfig.fromUrl("https://a/b", env))
        .hasMessageContaining("not an azure:// store URL");
  }

  @Test
  void retriesAndTimeoutsFromTheEnvironment() {
    AzureStoreConfig config =
        AzureStoreConfig.fromEnv(
            env(
                "AZURE_STORAGE_ACCOUNT", "myaccount",
                "AZURE_STORAGE_KEY", KEY,
                "AZURE_STORAGE_CONTAINER", "data",
                "AZURE_STORAGE_MAX_TRIES", "7",
                "AZURE_STORAGE_TRY_TIMEOUT_SECONDS", "15"));
    assertThat(config.options().maxTries()).isEqualTo(7);
    assertThat(config.options().tryTimeout()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void badValuesAreReportedByVariableWithoutShowingSecrets() {
    String[][] cases = {
      {"AZURE_STORAGE_CONTAINER", "AZURE_STORAGE_ACCOUNT", "myaccount", "AZURE_STORAGE_KEY", KEY},
      {
        "AZURE_STORAGE_CONTAINER",
        "AZURE_STORAGE_CONTAINER",
        "Bad_Name",
        "AZURE_STORAGE_ACCOUNT",
        "myaccount"
      },
      {"AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_CONTAINER", "data"},
      {"AZURE_STORAGE_KEY", "AZURE_STORAGE_CONTAINER", "data", "AZURE_STORAGE_ACCOUNT", "myacct"},
      {
        "AZURE_STORAGE_ACCOUNT",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_ACCOUNT",
        "My-Account",
        "AZURE_STORAGE_KEY",
        KEY
      },
      {
        "AZURE_STORAGE_KEY",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_ACCOUNT",
        "myaccount",
        "AZURE_STORAGE_KEY",
        "not base64 s3cret!"
      },
      {
        "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_ACCOUNT",
        "myaccount",
        "AZURE_STORAGE_SAS_TOKEN",
        "sv=2024&s3cret"
      },
      {
        "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_ACCOUNT",
        "myaccount",
        "AZURE_STORAGE_KEY",
        KEY,
        "AZURE_STORAGE_SAS_TOKEN",
        SAS
      },
      {
        "AZURE_STORAGE_CONNECTION_STRING",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_CONNECTION_STRING",
        "s3cret-without-pairs"
      },
      {
        "AZURE_STORAGE_CONNECTION_STRING",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_CONNECTION_STRING",
        "AccountName=a1;AccountKey=" + KEY,
        "AZURE_STORAGE_KEY",
        KEY
      },
      {
        "AZURE_STORAGE_MAX_TRIES",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_ACCOUNT",
        "myaccount",
        "AZURE_STORAGE_KEY",
        KEY,
        "AZURE_STORAGE_MAX_TRIES",
        "0"
      },
      {
        "AZURE_STORAGE_ENDPOINT",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_ACCOUNT",
        "myaccount",
        "AZURE_STORAGE_KEY",
        KEY,
        "AZURE_STORAGE_ENDPOINT",
        "ftp://x"
      },
      {
        "AZURE_STORAGE_PREFIX",
        "AZURE_STORAGE_CONTAINER",
        "data",
        "AZURE_STORAGE_ACCOUNT",
        "myaccount",
        "AZURE_STORAGE_KEY",
        KEY,
        "AZURE_STORAGE_PREFIX",
        "a/../b"
      },
    };
    for (String[] c : cases) {
      String[] pairs = Arrays.copyOfRange(c, 1, c.length);
      assertThatThrownBy(() -> AzureStoreConfig.fromEnv(env(pairs)))
          .as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[0])
          .message()
          .doesNotContain(KEY)
          .doesNotContain("s3cret")
          .doesNotContain("c2VjcmV0c2ln");
    }
  }

  @Test
  void scrubHidesKeysAndSignatures() {
    assertThat(
            ConnectionStrings.scrub(
                "GET https://a.blob.core.windows.net/c/k?sv=1&sig=abc%2F== AccountKey=" + KEY))
        .isEqualTo("GET https://a.blob.core.windows.net/c/k?sv=1&sig=*** AccountKey=***");
  }
}
