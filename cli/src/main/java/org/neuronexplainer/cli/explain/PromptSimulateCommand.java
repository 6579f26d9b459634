package org.neuronexplainer.cli.explain;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.explain.BaselineExplainer;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.records.Split;
import org.neuronexplainer.worker.records.Splits;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prompt simulate}: the simulator's requests for one sequence of a neuron. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Prints the requests the simulator would send to simulate one sequence of the",
      "neuron's valid split (the first, a top record, unless --sequence says which).",
      "all-at-once and json send one request per sequence, one-at-a-time one per",
      "token.",
      "Without --explanation, the baseline explainer's explanation is used."
    })
final class PromptSimulateCommand implements Callable<Integer> {

  @Option(
      names = "--record",
      required = true,
      paramLabel = "FILE",
      description = "The neuron's NeuronRecord (collated-activations) JSON file.")
  Path record;

  @Option(names = "--explanation", paramLabel = "TEXT", description = "The explanation.")
  String explanation;

  @Option(
      names = "--simulator",
      paramLabel = "S",
      defaultValue = "all-at-once",
      description = "all-at-once (default), one-at-a-time, line or json.")
  String simulator;

  @Option(
      names = "--format",
      paramLabel = "F",
      description = "chat, completion or instruction (default: the simulator's own).")
  String format;

  @Option(
      names = "--sequence",
      paramLabel = "I",
      defaultValue = "0",
      description = "Which valid-split sequence, from 0 (5 top ones, then 5 random).")
  int sequence;

  @Option(
      names = "--all-at-once-max-tokens",
      paramLabel = "N",
      defaultValue = "0",
      description = "max_tokens of all-at-once requests: 0 as in the paper, 1 for vLLM.")
  int echoMaxTokens;

  @Mixin PromptOptions prompts;

  @Mixin LlmOptions llm;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    SimulatorKind kind = NeuronInputs.simulator(simulator);
    if (!kind.needsModel()) {
      throw new UserException("the baseline simulator sends no request: nothing to print");
    }
    PromptOptions.Chosen chosen = prompts.read(null, kind);
    Map<String, String> env = System.getenv();
    // The simulator's own endpoint and model, where it has them, as a run would send it.
    LlmConfig config = llm.config(env);
    LlmConfig endpoint = config.simulatorEndpoint();
    String model = config.splitSimulator() ? endpoint.model() : llm.requireModel(env);
    PromptFormat promptFormat = format == null ? kind.defaultFormat() : NeuronInputs.format(format);
    NeuronRecord neuron = NeuronInputs.record(record);
    List<LlmRequest> requests;
    try {
      List<ActivationRecord> valid = Splits.records(neuron, Split.VALID, SliceParams.paper());
      if (sequence < 0 || sequence >= valid.size()) {
        throw new UserException(
            "--sequence must be from 0 to " + (valid.size() - 1) + ", got " + sequence);
      }
      String text =
          explanation != null
              ? explanation
              : new BaselineExplainer().explain(ExplainerInput.of(neuron).trainRecords()).text();
      requests =
          kind.protocol(model, promptFormat, echoMaxTokens, chosen.inputs())
              .requests(text, valid.get(sequence).tokens());
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    RequestPrinter.print(spec.commandLine().getOut(), endpoint, requests);
    return 0;
  }
}
