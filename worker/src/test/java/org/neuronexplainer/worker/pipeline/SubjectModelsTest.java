package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.hub.HubConfig;
import org.neuronexplainer.worker.capture.hub.HubModelCache;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import org.neuronexplainer.worker.capture.tokenizer.TinyTokenizers;
import org.neuronexplainer.worker.capture.tokenizer.TokenizerException;

/** The worker's tokenizers: read once per checkpoint directory, closed with the models. */
class SubjectModelsTest {
  @TempDir Path dir;

  @Test
  void keepsEachTokenizerAndClosesItWithTheModels() {
    Path checkpoint = dir.resolve("tiny");
    TinyTokenizers.writeSentencePiece(checkpoint);
    HubConfig hub = HubConfig.fromEnv(Map.of("NEURON_EXPLAINER_CACHE", dir.toString()), dir);
    SubjectModels models =
        new SubjectModels(
            new HubModelCache(hub, new PrintStream(OutputStream.nullOutputStream()), false),
            "cpu",
            new WorkerMetrics(new SimpleMeterRegistry()));
    SubjectTokenizer tokenizer = models.tokenizer(checkpoint);
    assertThat(models.tokenizer(checkpoint)).isSameAs(tokenizer);
    assertThat(tokenizer.encode("the")).hasSize(1);

    models.close();
    assertThatThrownBy(() -> tokenizer.encode("the"))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining("is closed");
  }
}
