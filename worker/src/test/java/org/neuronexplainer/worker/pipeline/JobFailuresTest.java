package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.worker.classify.ClassificationParseException;
import org.neuronexplainer.worker.explain.ExplanationParseException;
import org.neuronexplainer.worker.llm.PermanentLlmException;
import org.neuronexplainer.worker.simulate.SimulationParseException;

class JobFailuresTest {

  @Test
  void anOutageIsRetriedAsAJobARejectedRequestIsNot() {
    PermanentLlmException outage =
        new PermanentLlmException("HTTP 503 after 8 attempts", 503, "{}", 8, true, null);
    PermanentLlmException rejected =
        new PermanentLlmException("HTTP 401", 401, "{}", 1, false, null);

    assertThat(JobFailures.classify(new CompletionException(outage)))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("LLM unavailable")
        .hasMessageContaining("503");
    assertThat(JobFailures.classify(rejected))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("LLM rejected")
        .hasMessageContaining("401");
  }

  @Test
  void answersThatNeverParsedFailTheNeuronWithTheReason() {
    RuntimeException sim =
        JobFailures.classify(
            new SimulationParseException(
                "no parseable response after 3 attempts",
                new SimulationParseException("not JSON")));
    assertThat(sim)
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("not JSON");
    assertThat(JobFailures.classify(new ExplanationParseException("no explanation")))
        .isInstanceOf(PermanentException.class);
    assertThat(
            JobFailures.classify(
                PermanentLlmException.unparseableAnswer("not a JSON object", 200, "<html>", 1)))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("did not parse");
    assertThat(
            JobFailures.classify(
                new CompletionException(
                    new ClassificationParseException(
                        "fuzzing: no parseable answer after 3 attempts: not a JSON list"))))
        .isInstanceOf(PermanentException.class)
        .hasMessage(
            "LLM answers did not parse: fuzzing: no parseable answer after 3 attempts: not a JSON"
                + " list");
  }

  @Test
  void badInputIsPermanentAndAnythingElseRetryable() {
    assertThat(JobFailures.classify(new IllegalArgumentException("too few records")))
        .isInstanceOf(PermanentException.class);
    assertThat(JobFailures.classify(new IllegalStateException("boom")))
        .isInstanceOf(RetryableException.class);
  }
}
