/**
 * Hub models: a {@code --model} argument that is a Hugging Face hub id ({@code gpt2}, {@code
 * owner/name@revision}) becomes a local checkpoint directory that {@code Gpt2Model} and the
 * tokenizer load like any other; an SAE on the hub ({@code hf:owner/name/folder@revision}) becomes
 * a local SAE directory ({@code cfg.json}, {@code sae_weights.safetensors}) the same way.
 *
 * <p>What it owns: the cache {@code $NEURON_EXPLAINER_CACHE/models/owner--name/revision} (default
 * {@code ~/.cache/neuron-explainer}), an SAE in its repository's folder there ({@code
 * owner--name/revision/folder}), and downloading into it from {@code
 * $HF_ENDPOINT/{repo}/resolve/{revision}/{file}} with the JDK HttpClient ({@code HF_TOKEN} as a
 * bearer token, sent to the hub's own origin only, never to the CDN it redirects weights to).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A file in a model folder is complete: each is streamed to a {@code .part} file beside it
 *       and renamed only when its length matches Content-Length and, for LFS files, its sha256
 *       matches the hub's X-Linked-Etag.
 *   <li>A folder is a model only once {@code .complete} is written, after every file (an SAE's
 *       folder once {@code .complete-sae} is); until then a resolve downloads what is missing
 *       (files already there are kept).
 *   <li>One download per folder at a time: a file lock on {@code .lock} between processes, a {@code
 *       ReentrantLock} between threads of one process. A folder with {@code .complete} is served
 *       without a lock or a request.
 * </ul>
 *
 * <p>Failure modes: every failure is a {@link org.neuronexplainer.common.hub.HubException} whose
 * message says what to do: offline (DNS, refused or timed-out connection) points to {@code --model
 * DIR} and {@code HF_ENDPOINT}; 401/403 to {@code HF_TOKEN}; a missing repository or required file
 * is "no such model or file"; a cut-off or corrupt file asks for a retry.
 */
package org.neuronexplainer.worker.capture.hub;
