package org.neuronexplainer.cli.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.List;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.Tokenizer;

/**
 * Prints requests as they would be sent: the URL, the prompt tokens and the body, pretty-printed
 * (the client sends the same fields compactly, in the same order). Tokens are counted with the
 * configuration's tokenizer for the request's model, whose name is printed with the counts.
 */
final class RequestPrinter {
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RequestPrinter() {}

  static void print(PrintWriter out, LlmConfig config, List<LlmRequest> requests) {
    long promptTokens = 0;
    Tokenizer tokenizer = config.tokenizerFor(config.model());
    for (int i = 0; i < requests.size(); i++) {
      LlmRequest request = requests.get(i);
      tokenizer = config.tokenizerFor(request.body().path("model").asText(config.model()));
      long tokens = tokenizer.promptTokens(request.body());
      promptTokens += tokens;
      out.printf(
          "# request %d of %d: POST %s%n",
          i + 1, requests.size(), config.endpoint(request.endpoint()));
      out.printf(
          "# prompt tokens (%s): %d; with the completion allowance: %d%n",
          tokenizer.configName(), tokens, tokenizer.budgetTokens(request.body()));
      try {
        out.println(PRETTY.writeValueAsString(request.body()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a request body is always writable", e);
      }
    }
    out.printf(
        "# %d request%s, prompt tokens (%s) in all: %d%n",
        requests.size(), requests.size() == 1 ? "" : "s", tokenizer.configName(), promptTokens);
    out.flush();
  }
}
