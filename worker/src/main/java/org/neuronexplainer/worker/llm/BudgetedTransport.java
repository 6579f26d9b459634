package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A transport that reserves each call's price in a {@link CallBudget} before it sends it: the
 * prompt tokens counted exactly as the client counts them, the completion at its {@code max_tokens
 * × n} allowance, at the model's price. A call the budget refuses is never sent; its future fails
 * with the budget's exception.
 */
public record BudgetedTransport(LlmTransport inner, CallBudget budget, LlmConfig config)
    implements LlmTransport {

  public BudgetedTransport {
    Objects.requireNonNull(inner, "inner");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(config, "config");
  }

  @Override
  public CompletionStage<JsonNode> send(LlmRequest request) {
    double price;
    try {
      price = price(request, config);
      budget.reserve(price);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletionStage<JsonNode> sent;
    try {
      sent = inner.send(request);
    } catch (RuntimeException e) {
      budget.release(price);
      throw e;
    }
    return sent.whenComplete((answer, error) -> budget.release(price));
  }

  @Override
  public CompletionStage<Void> discard(LlmRequest request) {
    return inner.discard(request);
  }

  /**
   * The most {@code request} can cost at its model's price: every prompt token uncached, the whole
   * completion allowance.
   *
   * @throws IllegalArgumentException when the model has no price: a budget cannot be kept then
   */
  public static double price(LlmRequest request, LlmConfig config) {
    JsonNode body = request.bodyForClient();
    String model = body.path("model").asText(config.model());
    ModelPrice price =
        config
            .prices()
            .lookup(model)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the run has a budget, but model "
                            + model
                            + " has no price in LLM_PRICES: its calls cannot be counted"));
    return price.cost(
        config.tokenizerFor(model).promptTokens(body), TokenEstimator.completionAllowance(body));
  }
}
