/**
 * The capture corpus: files read as documents ({@code .jsonl} with a {@code text} field, or plain
 * UTF-8 text, one document per file) and cut into fixed-length excerpts.
 *
 * <p>Invariants: excerpt ids depend only on the files (in the order given), the tokenizer, {@code
 * context} and {@code maxExcerpts}; a document's trailing window shorter than the context is
 * dropped and windows never cross documents. Shards are blocks of {@link
 * org.neuronexplainer.worker.capture.corpus.Excerpts#BLOCK} consecutive ids dealt round-robin.
 *
 * <p>Failure modes: an unreadable file, a file that is not UTF-8 and a JSONL line that is not an
 * object with a string {@code text} throw {@link
 * org.neuronexplainer.worker.capture.corpus.CorpusException} naming {@code file:line}.
 */
package org.neuronexplainer.worker.capture.corpus;
