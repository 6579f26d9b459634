package org.neuronexplainer.worker.llm;

/** How URLs and authentication are spelled for a server. */
public enum ApiFlavor {
  /** OpenAI, vLLM, llama.cpp server, Ollama: {@code {base}/chat/completions}, bearer token. */
  OPENAI,
  /**
   * Azure OpenAI: {@code {base}/openai/deployments/{deployment}/chat/completions?api-version=...},
   * {@code api-key} header.
   */
  AZURE
}
