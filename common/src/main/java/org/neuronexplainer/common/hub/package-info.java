/**
 * The Hugging Face hub as both sides of a capture run see it: hub ids ({@code owner/name@revision})
 * and SAE references into a repository's folders ({@code hf:owner/name/folder@revision}), the
 * endpoint and token from the environment ({@code HF_ENDPOINT}, {@code HF_TOKEN}), requests that
 * keep the token on the hub's own origin, and what each answer of the hub means.
 *
 * <p>The capture workers download whole models and SAEs into their cache
 * (org.neuronexplainer.worker.capture.hub); the coordinator, which never loads weights and cannot
 * read the workers' cache, reads only the small config files it plans from ({@link
 * org.neuronexplainer.common.hub.HubConfigFiles}).
 *
 * <p>Failure modes: every failure is a {@link org.neuronexplainer.common.hub.HubException} that
 * names the id and the endpoint and says what to do: a token for a gated or private repository
 * (401, 403), a directory or a mirror when the hub cannot be reached.
 */
package org.neuronexplainer.common.hub;
