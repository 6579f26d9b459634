package org.neuronexplainer.worker.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.ParseRetries;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * A {@link Classifier} backed by a model: a sample is cut into batches of {@code excerptsPerCall}
 * in order, each batch is one chat call, all sent concurrently through the transport (so the
 * client's cache, budget, batching and accounting apply). An answer that does not parse is asked
 * for again ({@link ParseRetries}: discarded from the cache, refreshed), up to {@code maxAttempts}
 * in all; then the classification fails with the last reason.
 */
public final class LlmClassifier implements Classifier {
  private final String model;
  private final PromptTexts texts;
  private final LlmTransport transport;
  private final ClassifierSettings settings;

  public LlmClassifier(
      String model, PromptTexts texts, LlmTransport transport, ClassifierSettings settings) {
    this.model = model;
    this.texts = texts;
    this.transport = transport;
    this.settings = settings;
  }

  /** The project's texts. */
  public LlmClassifier(String model, LlmTransport transport, ClassifierSettings settings) {
    this(model, PromptTexts.defaults(), transport, settings);
  }

  public ClassifierProtocol protocol(ClassifierKind kind) {
    return new ClassifierProtocol(kind, model, texts, settings.logprobs());
  }

  @Override
  public CompletionStage<List<Answer>> classify(
      ClassifierKind kind, String explanation, List<Excerpt> excerpts) {
    ClassifierProtocol protocol = protocol(kind);
    List<CompletableFuture<List<Answer>>> calls =
        batches(excerpts, settings.excerptsPerCall()).stream()
            .map(batch -> call(protocol, explanation, batch))
            .toList();
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(done -> calls.stream().flatMap(call -> call.join().stream()).toList());
  }

  /**
   * Every request that classifies {@code excerpts}, in order: what a run sends for them, and what a
   * dry run counts.
   */
  public List<LlmRequest> requests(
      ClassifierKind kind, String explanation, List<Excerpt> excerpts) {
    ClassifierProtocol protocol = protocol(kind);
    return batches(excerpts, settings.excerptsPerCall()).stream()
        .map(batch -> protocol.request(explanation, batch))
        .toList();
  }

  private CompletableFuture<List<Answer>> call(
      ClassifierProtocol protocol, String explanation, List<Excerpt> batch) {
    return ParseRetries.send(
        transport,
        List.of(protocol.request(explanation, batch)),
        responses -> protocol.parse(batch.size(), responses.get(0)),
        ClassificationParseException.class,
        settings.maxAttempts(),
        (attempts, last) ->
            new ClassificationParseException(
                protocol.kind().wireName()
                    + ": no parseable answer after "
                    + attempts
                    + " attempts: "
                    + last.getMessage(),
                last,
                protocol.kind()));
  }

  /** {@code excerpts} in consecutive batches of at most {@code size}. */
  static List<List<Excerpt>> batches(List<Excerpt> excerpts, int size) {
    List<List<Excerpt>> batches = new ArrayList<>();
    for (int from = 0; from < excerpts.size(); from += size) {
      batches.add(List.copyOf(excerpts.subList(from, Math.min(excerpts.size(), from + size))));
    }
    return batches;
  }
}
