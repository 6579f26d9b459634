/**
 * Per-neuron statistics of a capture (docs/method.md 1.4 and 2.1), kept while streaming and
 * mergeable exactly across corpus shards.
 *
 * <p>Per layer, for all selected neurons at once in flat primitive arrays ({@link
 * org.neuronexplainer.worker.capture.stats.LayerStats}):
 *
 * <ul>
 *   <li>top excerpts: the {@code top} largest (max activation, then lower excerpt id);
 *   <li>a pool: the {@code pool} excerpts with the smallest pseudo-random priority, a pure function
 *       of (seed, layer, neuron, excerpt id) ({@code SampleHash}); the random sample is its first
 *       {@code random} entries. A run that knows its excerpts bounds each pool by the {@code
 *       pool}-th smallest of their priorities before it starts ({@code LayerStats#forExcerpts}), so
 *       only excerpts that stay are copied into it;
 *   <li>quantile keys: the keys (max, excerpt id) of the {@code quantileKeys} highest excerpts,
 *       keys only ({@code BottomK} with a context of 0), so that the quantile boundaries near the
 *       top are exact ({@code Quantiles}: exact inside the top list or the keys, or when the pool
 *       holds every excerpt; estimated from the pool otherwise). The buckets' records come from the
 *       top list, the pool, or, with two-pass quantiles, from a second pass over the corpus that
 *       samples every bucket among all its members ({@code LayerStats#startSecondPass});
 *   <li>exact sums of x, x^2, x^3, x^4 ({@code ExactSums}, integer limbs), for the moments;
 *   <li>fixed-point per-token activation sums and counts ({@code TokenTable}), for the
 *       activation-based lookup table.
 * </ul>
 *
 * <p>Every part is a function of the set of excerpts seen, not of their order, so a merge of shard
 * partials ({@link org.neuronexplainer.worker.capture.stats.PartialCodec}) gives byte-identical
 * records to a single pass. Every part is also per neuron, so a partial is written in chunks of
 * neurons and a block of neurons is read and merged alone ({@link
 * org.neuronexplainer.worker.capture.stats.PartialReader}). Memory is set by the settings and the
 * neuron count: per neuron (top + pool) x context floats, twice quantileKeys longs, 4 x 68 longs of
 * sums, and per layer (distinct tokens) x neurons longs.
 *
 * <p>A batch is added in parts over neuron ranges ({@code LayerStats#begin}) that may run
 * concurrently. Where the JVM has the vector API ({@code Kernels}), {@code VectorKernel} takes 8
 * neurons at a time straight from the activations and leaves them in a small token-major tile, from
 * which the kept excerpts are copied; otherwise each excerpt's activations are first copied
 * neuron-major into a scratch, so every per-neuron step reads contiguous memory. Both give the same
 * bits. Excerpts are held as ids and activations; token strings are resolved when records are
 * written ({@link org.neuronexplainer.worker.capture.stats.RecordAssembler}).
 */
package org.neuronexplainer.worker.capture.stats;
