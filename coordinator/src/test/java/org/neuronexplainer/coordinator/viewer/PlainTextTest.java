package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.HttpsBlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** What the pages say of stores and problems: no class names, no parser notes. */
class PlainTextTest {

  @TempDir Path dir;

  @Test
  void aStoreIsNamedByItsPathOrAddress() {
    LocalDirectoryStore local = new LocalDirectoryStore(dir);
    assertThat(PlainText.storeName(local)).isEqualTo(dir.toString());
    assertThat(PlainText.storeName(local.under("saes/res-8/"))).isEqualTo(dir + "/saes/res-8");
    HttpsBlobStore https =
        new HttpsBlobStore(URI.create("https://example.org/neuron-explainer/data/"));
    assertThat(PlainText.storeName(https)).isEqualTo("https://example.org/neuron-explainer/data/");
  }

  @Test
  void aMalformedJsonFileIsDescribedByLineAndColumnWithoutTheParsersSourceNotes() {
    JsonProcessingException e =
        catchThrowableOfType(
            () -> new ObjectMapper().readTree("{\"a\": [1,\n 2,"), JsonProcessingException.class);
    assertThat(e.getMessage()).contains("[Source:");
    String plain = PlainText.jsonProblem(e);
    assertThat(plain).startsWith("line 2, column ").doesNotContain("Source", "REDACTED", "\n");
    assertThat(plain).contains("end-of-input");
    assertThat(PlainText.reason(e)).isEqualTo(plain);
    // The same text met as a string, e.g. in a recorded reason.
    assertThat(PlainText.reason(e.getMessage()))
        .startsWith("line 2, column ")
        .doesNotContain("Source", "REDACTED", "StreamReadFeature");
  }

  @Test
  void failureReasonsLoseTheirExceptionNames() {
    assertThat(PlainText.reason("PermanentException: the LLM answered 400"))
        .isEqualTo("the LLM answered 400");
    assertThat(
            PlainText.reason(
                "org.neuronexplainer.common.messaging.PermanentException:"
                    + " java.io.IOException: disk full"))
        .isEqualTo("disk full");
    assertThat(PlainText.reason("the record of 0:1 is missing"))
        .isEqualTo("the record of 0:1 is missing");
    assertThat(PlainText.reason((String) null)).isEqualTo("no reason given");
    assertThat(PlainText.reason("java.lang.NullPointerException")).isEqualTo("no reason given");
    assertThat(PlainText.reason("cannot read LocalDirectoryStore[/data/x]/model.json"))
        .isEqualTo("cannot read /data/x/model.json");
  }

  @Test
  void anUnreadableFileSaysSoOnceWithTheReason() {
    UncheckedIOException e =
        new UncheckedIOException(
            "cannot read blob explanations/1/7.jsonl: permission denied: /srv/x",
            new AccessDeniedException("/srv/x"));
    assertThat(PlainText.readFailure("explanations/1/7.jsonl", e))
        .isEqualTo("cannot be read (permission denied: /srv/x)");
  }
}
