/**
 * The capture and collate stages over a {@link org.neuronexplainer.common.storage.BlobStore}.
 *
 * <p>Capture runs one corpus shard over a set of layers. A single shard writes the records
 * directly; a sharded run (or {@code partialsOnly}) writes {@code
 * runs/{run}/partials/layer-{l}/shard-{i}-of-{n}.bin} per layer, and collate merges them once all
 * are present. Every shard writes the same {@code runs/{run}/capture.json} spec first and refuses a
 * run whose spec differs.
 *
 * <p>Completeness: every blob is one atomic put, so no file is ever half written; {@code
 * runs/{run}/collated.json} is written last, so its presence says the run's records are all there.
 * Collate refuses to start while a partial is missing.
 */
package org.neuronexplainer.worker.capture.run;
