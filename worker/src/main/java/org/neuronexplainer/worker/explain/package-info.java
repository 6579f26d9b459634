/**
 * Explainers (docs/method.md 3.4, 3.5). Model-backed ones are {@link
 * org.neuronexplainer.worker.explain.LlmExplainer}s: {@code request} builds the exact request
 * (printable without sending), {@code parse} reads a response body into one {@link
 * org.neuronexplainer.worker.explain.Explanation} per choice, keeping the raw text and the text
 * that is used, cleaned up as the original does. A response without any explanation is an {@link
 * org.neuronexplainer.worker.explain.ExplanationParseException}. The baseline needs no model.
 *
 * <p>The explainer sees only the train split's top records (docs/method.md 2.2).
 */
package org.neuronexplainer.worker.explain;
