/**
 * Prompts as data (docs/method.md 3.2, 3.3): messages and their validation, the three output
 * formats, the {@code token<TAB>value} record blocks, token counts ({@link
 * org.neuronexplainer.worker.prompt.TokenCounter}), and {@link
 * org.neuronexplainer.worker.llm.LlmRequest}, the plain-data request the HTTP client sends.
 *
 * <p>Where escaping is on, untrusted text (dataset tokens, explanations) goes through {@link
 * org.neuronexplainer.worker.prompt.TokenText} before it reaches a prompt, so it cannot break the
 * line format, open or close a block, or form a special token; explainer prompts carry tokens raw
 * unless asked to escape, as the original's do. Nothing here does I/O.
 */
package org.neuronexplainer.worker.prompt;
