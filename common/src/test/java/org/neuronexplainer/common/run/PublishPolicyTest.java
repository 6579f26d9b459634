package org.neuronexplainer.common.run;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

class PublishPolicyTest {

  private static Optional<ExplanationSource> shown(Double score) {
    return Optional.of(new ExplanationSource("old", "v1", score, "latest", 1L, "ab"));
  }

  @Test
  void latestReplacesWhateverTheScoresAndNoneNever() {
    for (Double score : new Double[] {null, 0.1, 0.9}) {
      assertThat(PublishPolicy.LATEST.replaces(shown(0.5), score)).isTrue();
      assertThat(PublishPolicy.LATEST.replaces(Optional.empty(), score)).isTrue();
      assertThat(PublishPolicy.NONE.replaces(shown(0.5), score)).isFalse();
      assertThat(PublishPolicy.NONE.replaces(Optional.empty(), score)).isFalse();
    }
  }

  @Test
  void bestReplacesOnlyByAHigherScoreAndNeverByAnUndefinedOne() {
    assertThat(PublishPolicy.BEST.replaces(shown(0.5), 0.6)).isTrue();
    assertThat(PublishPolicy.BEST.replaces(shown(0.5), 0.5)).isFalse();
    assertThat(PublishPolicy.BEST.replaces(shown(0.5), 0.4)).isFalse();
    assertThat(PublishPolicy.BEST.replaces(shown(0.5), null)).isFalse();
    assertThat(PublishPolicy.BEST.replaces(shown(null), -0.2)).isTrue();
    assertThat(PublishPolicy.BEST.replaces(shown(null), null)).isFalse();
    assertThat(PublishPolicy.BEST.replaces(Optional.empty(), null)).isTrue();
  }

  @Test
  void namesAreReadTrimmedInAnyCaseAndAnUnknownOneNamesTheKnown() {
    assertThat(PublishPolicy.fromConfigName(" Best ")).isEqualTo(PublishPolicy.BEST);
    assertThat(PublishPolicy.names()).containsExactly("latest", "best", "none");
    assertThatThrownBy(() -> PublishPolicy.fromConfigName("newest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown publish policy \"newest\": expected one of latest, best, none");
  }

  @Test
  void aSpecStoredBeforePoliciesReadsAsLatestAndAnUnknownOneIsRefusedOnCheck() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    store.put(
        RunRecords.specKey("old"),
        "{\"runId\":\"old\",\"source\":\"store\",\"maxAttempts\":3}".getBytes(UTF_8));
    RunRecords records = new RunRecords(store);
    RunSpec old = records.spec("old").orElseThrow();
    assertThat(old.publish()).isEqualTo("latest");
    assertThat(old.publishPolicy()).isEqualTo(PublishPolicy.LATEST);
    assertThat(old.methodVersion()).isEqualTo("v1|baseline|baseline|linear|-");

    RunSpec best = old.withPublish("best");
    records.putSpec(best);
    assertThat(records.spec("old")).contains(best);
    // The policy decides the view only, not what the results are.
    assertThat(best.methodVersion()).isEqualTo(old.methodVersion());

    RunSpec unknown = old.withPublish("newest");
    assertThatThrownBy(unknown::checkBackends)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown publish policy \"newest\"");
  }

  @Test
  void aSourceDescribesOnlyTheBytesItWasWrittenFor() {
    byte[] file = "{\"a\":1}\n".getBytes(UTF_8);
    ExplanationSource source =
        new ExplanationSource("r", "v", 0.5, "latest", 1L, RunInput.sha256(file));
    assertThat(source.describes(file)).isTrue();
    assertThat(source.describes("{}\n".getBytes(UTF_8))).isFalse();
    assertThat(ExplanationSource.unrecorded(0.5).describes(file)).isFalse();
  }
}
