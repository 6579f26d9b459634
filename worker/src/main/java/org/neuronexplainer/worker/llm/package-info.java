/**
 * The client for OpenAI-compatible LLM endpoints that explainers and simulators share.
 *
 * <p><b>Use.</b> Build one {@link org.neuronexplainer.worker.llm.LlmClient} per process from {@link
 * org.neuronexplainer.worker.llm.LlmConfig#fromEnv} and the run's {@code BlobStore} (for the
 * response cache), then send {@link org.neuronexplainer.worker.llm.LlmRequest}s: a JSON body
 * exactly as the OpenAI API documents it and an explicit endpoint kind (chat or completions). Each
 * call returns a future of {@link org.neuronexplainer.worker.llm.LlmResponse}; pass a neuron's
 * {@code client.usage().child()} to sum its tokens and cost. A {@link
 * org.neuronexplainer.worker.llm.LlmCallListener} given to the builder is told how every call ended
 * (the worker's meters implement it, so this package needs no metrics library).
 *
 * <p><b>Configuration</b> ({@code LLM_*} environment variables, CLI flags override):
 *
 * <table>
 *   <caption>variables</caption>
 *   <tr><td>LLM_BASE_URL</td><td>API base; default {@code https://api.openai.com/v1}; vLLM
 *       {@code http://host:8000/v1}, Ollama {@code http://host:11434/v1}, llama.cpp {@code
 *       http://host:8080/v1}; Azure: the resource endpoint</td></tr>
 *   <tr><td>LLM_API_KEY</td><td>bearer token, or Azure {@code api-key}; empty for none</td></tr>
 *   <tr><td>LLM_MODEL</td><td>model put into bodies that name none</td></tr>
 *   <tr><td>LLM_API_FLAVOR</td><td>{@code openai} (default) or {@code azure}</td></tr>
 *   <tr><td>LLM_AZURE_DEPLOYMENT, LLM_AZURE_API_VERSION</td><td>Azure URL parts; the deployment
 *       defaults to LLM_MODEL</td></tr>
 *   <tr><td>LLM_EXTRA_HEADERS</td><td>{@code Name=value,Name2=value2}</td></tr>
 *   <tr><td>LLM_TIMEOUT_SECONDS</td><td>per attempt, default 120</td></tr>
 *   <tr><td>LLM_MAX_CONCURRENCY</td><td>calls in flight, default 16</td></tr>
 *   <tr><td>LLM_REQUESTS_PER_MINUTE, LLM_TOKENS_PER_MINUTE</td><td>budgets, 0 (default) for
 *       none</td></tr>
 *   <tr><td>LLM_MAX_ATTEMPTS</td><td>default 8, the first included</td></tr>
 *   <tr><td>LLM_RETRY_INITIAL_MS, LLM_RETRY_MAX_MS</td><td>backoff, default 1000 and 30000</td></tr>
 *   <tr><td>LLM_PRICES</td><td>{@code model=prompt:completion[:cachedPrompt],...} in US dollars
 *       per million tokens</td></tr>
 *   <tr><td>LLM_TOKENIZER</td><td>how prompt tokens are counted: {@code auto} (default, the
 *       model's encoding), {@code cl100k_base}, {@code o200k_base}, {@code p50k_base}, {@code
 *       r50k_base} or {@code estimate}</td></tr>
 *   <tr><td>LLM_SIMULATOR_BASE_URL, LLM_SIMULATOR_MODEL, LLM_SIMULATOR_*</td><td>the
 *       simulator's own endpoint, with a client of its own; unset settings fall back to the
 *       LLM_* ones, the key, flavor, headers and rate limits only when it has no URL of its
 *       own</td></tr>
 * </table>
 *
 * <p><b>Invariants.</b> A call takes, in order: the cache lookup, a concurrency permit, the rate
 * budget (taken with the permit held, so it paces real sends), the HTTP exchange; the permit is
 * released when the exchange ends, after the budget is settled, so backoff waits hold none.
 * Retryable failures (408, 409, 429, 5xx, timeouts, connection errors, a body cut short) are
 * retried up to LLM_MAX_ATTEMPTS with exponential backoff and jitter, never sooner than {@code
 * Retry-After}; a 429's {@code Retry-After} pauses every call of the client, and its request and
 * tokens stay spent (other error answers give their tokens back). Callers see only {@link
 * org.neuronexplainer.worker.llm.PermanentLlmException} (with {@code attemptsExhausted()} telling
 * an outage from a rejected request, and {@code unparseable()} a 2xx body that is not a JSON
 * object: sent once here, asked again only by {@link org.neuronexplainer.worker.llm.ParseRetries}).
 * Only successes are cached, at {@code llm-cache/{sha256}.json}; a cache hit makes no HTTP call and
 * costs nothing.
 *
 * <p><b>Explainers and simulators</b> reach the client through {@link
 * org.neuronexplainer.worker.llm.LlmTransport}; {@link
 * org.neuronexplainer.worker.llm.ClientTransport} is the one over the client, with a neuron's own
 * usage account. A response that arrives but does not parse is not an HTTP failure, so the client
 * caches it: {@link org.neuronexplainer.worker.llm.ParseRetries} then removes it ({@code
 * LlmClient.forget}) and asks again with {@link org.neuronexplainer.worker.llm.CacheMode#REFRESH},
 * so that neither the retry nor a later run is served it.
 */
package org.neuronexplainer.worker.llm;
