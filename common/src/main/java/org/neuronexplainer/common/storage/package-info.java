/**
 * Where every process reads and writes its outputs: a {@link
 * org.neuronexplainer.common.storage.BlobStore} of '/'-separated keys laid out as the public
 * datasets are (see docs/architecture.md, storage layout). Writes are atomic for readers, so a
 * reader that finds a key finds a whole blob, which is what lets a stage skip work whose output
 * exists.
 */
package org.neuronexplainer.common.storage;
