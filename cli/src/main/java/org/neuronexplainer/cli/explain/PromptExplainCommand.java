package org.neuronexplainer.cli.explain;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.explain.LlmExplainer;
import org.neuronexplainer.worker.prompt.PromptFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prompt explain}: the explainer's request for one neuron. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Prints the request the explainer would send for the neuron in --record: the",
      "few-shot examples, then the neuron's train-split top records (docs/method.md 3.4)."
    })
final class PromptExplainCommand implements Callable<Integer> {

  @Option(
      names = "--explainer",
      paramLabel = "E",
      defaultValue = "token-activation-pair",
      description = "token-activation-pair (default) or token-space.")
  String explainer;

  @Option(
      names = "--format",
      paramLabel = "F",
      defaultValue = "chat",
      description = "chat (default), completion or instruction.")
  String format;

  @Mixin ExplainerInputOptions inputs;

  @Mixin PromptOptions prompts;

  @Mixin LlmOptions llm;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ExplainerKind kind = NeuronInputs.explainer(explainer);
    if (!kind.needsModel()) {
      throw new UserException("the baseline explainer sends no request: nothing to print");
    }
    PromptOptions.Chosen chosen = prompts.read(kind, null);
    Map<String, String> env = System.getenv();
    PromptFormat promptFormat = NeuronInputs.format(format);
    ExplainerSettings settings =
        inputs.settings(llm.requireModel(env), promptFormat).withPrompts(chosen.inputs());
    ExplainerInput input = inputs.read();
    Explainer built = kind.create(settings, llm.tokenCounter(env, settings.model()));
    try {
      LlmExplainer model = (LlmExplainer) built;
      RequestPrinter.print(
          spec.commandLine().getOut(), llm.config(env), List.of(model.request(input).request()));
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    return 0;
  }
}
