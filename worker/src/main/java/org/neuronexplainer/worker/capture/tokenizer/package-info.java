/**
 * Subject models' tokenizers: text to the ids a model was trained on, and ids back to the token
 * texts records show ({@link org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer}).
 *
 * <p>What it owns: reading a checkpoint directory's tokenizer files ({@code TokenizerFiles}):
 * GPT-2's byte-level BPE in Java ({@link
 * org.neuronexplainer.worker.capture.tokenizer.Gpt2Tokenizer}) for GPT-2's files, and any other
 * {@code tokenizer.json} through Hugging Face's tokenizers library ({@link
 * org.neuronexplainer.worker.capture.tokenizer.HfTokenizer}).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>{@code encode} adds no special tokens; special tokens written in the text are matched.
 *   <li>The token texts of a sequence join to its decoded text; a token keeps its leading space; a
 *       character split over tokens goes to the token that completes it.
 *   <li>An {@link org.neuronexplainer.worker.capture.tokenizer.HfTokenizer} holds native memory:
 *       whoever loads a tokenizer closes it (the worker's {@code SubjectModels}, or the command).
 * </ul>
 *
 * <p>Failure modes: missing or unreadable files, and a tokenizer.json the library rejects, throw
 * {@link org.neuronexplainer.worker.capture.tokenizer.TokenizerException} naming the file and the
 * reason; so does a native library that cannot load, saying which platform and cache folder and
 * what to do.
 */
package org.neuronexplainer.worker.capture.tokenizer;
