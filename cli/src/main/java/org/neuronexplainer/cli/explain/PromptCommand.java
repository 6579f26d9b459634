package org.neuronexplainer.cli.explain;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code prompt}: shows the requests the model-backed backends would send, sending nothing. */
@Command(
    name = "prompt",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Prints the exact LLM requests for a neuron, sending nothing.",
      "For an explainer or a simulator it prints",
      "the URL, the JSON body (messages or prompt, and the parameters) and the",
      "prompt tokens, counted with the model's encoding (--tokenizer names another).",
      "Nothing is sent and no key is needed.",
      "",
      "The URL and model come from --llm-url/--llm-model or LLM_BASE_URL/LLM_MODEL."
    },
    subcommands = {PromptExplainCommand.class, PromptSimulateCommand.class})
public final class PromptCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
