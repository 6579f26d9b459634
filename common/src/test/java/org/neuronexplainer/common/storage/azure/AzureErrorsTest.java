package org.neuronexplainer.common.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class AzureErrorsTest {

  private static final String WHERE = "account acc, container data, blob k.json";

  @Test
  void aTransportFailureKeepsItsCauseWhenNothingSecretIsInIt() {
    RuntimeException e = new UncheckedIOException(new IOException("connection refused"));
    UncheckedIOException mapped = AzureErrors.failure("get", WHERE, e);
    assertThat(mapped)
        .hasMessageContaining("get failed for account acc, container data, blob k.json")
        .hasMessageContaining("connection refused");
    assertThat(mapped.getCause().getCause()).isSameAs(e);
  }

  @Test
  void aFailureThatQuotesASignatureIsScrubbedAndDropsItsCause() {
    RuntimeException e =
        new IllegalStateException(
            "bad request",
            new IllegalArgumentException("at https://acc.blob.core.windows.net/data/k?sig=SECRET"));
    UncheckedIOException mapped = AzureErrors.failure("put", WHERE, e);
    assertThat(mapped).hasMessageContaining("sig=***").hasMessageNotContaining("SECRET");
    assertThat(mapped.getCause().getCause()).isNull();
  }
}
