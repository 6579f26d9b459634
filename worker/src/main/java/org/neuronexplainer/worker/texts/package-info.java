/**
 * What prompts are made from besides the neuron's data: the fixed texts ({@link
 * org.neuronexplainer.worker.texts.PromptTexts}, a JSON file of named strings with placeholders,
 * the project's own shipped beside it), and {@link org.neuronexplainer.worker.texts.PromptInputs},
 * which carries the texts, the chosen few-shot sets and the token-escaping switch to where
 * explainers and simulators are built. A file is checked completely when it is read, so a bad one
 * fails before any request is made; after that everything here is an immutable value.
 */
package org.neuronexplainer.worker.texts;
