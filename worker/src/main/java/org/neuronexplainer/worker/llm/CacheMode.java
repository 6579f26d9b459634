package org.neuronexplainer.worker.llm;

/** How one request uses the persistent response cache. */
public enum CacheMode {
  /** Answer from the cache when possible; store a fresh success. The default. */
  READ_WRITE,
  /**
   * Always call, then replace the cached entry: for a caller that could not use the cached response
   * (e.g. it did not parse) and must not be handed the same one again.
   */
  REFRESH,
  /** Neither read nor write the cache. */
  OFF
}
