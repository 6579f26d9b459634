package org.neuronexplainer.cli.explain;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.UsageAccumulator;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.score.ExplainAndScore;
import org.neuronexplainer.worker.score.NeuronScorer;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.simulate.calibration.CalibrationMethod;
import org.neuronexplainer.worker.texts.PromptInputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code explain-neuron}: explains, simulates and scores one neuron in this process. */
@Command(
    name = "explain-neuron",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Explains, simulates and scores one neuron in this process.",
      "It simulates the neuron from each explanation and scores the simulations",
      "(docs/method.md 3-5), then writes the explanations file",
      "(NeuronSimulationResults, as the public files store them) to --out and prints",
      "each explanation with its score, the calls and tokens used and the cost.",
      "",
      "Backends: explainers token-activation-pair, token-space and baseline;",
      "simulators all-at-once (a server that echoes prompt logprobs), one-at-a-time",
      "(chat with top_logprobs), line and json (any chat model) and baseline.",
      "baseline for both needs no model and no network.",
      "",
      "The LLM endpoint comes from the LLM_* variables; the --llm-* flags override",
      "them. --cache keeps every response, so a second run makes no calls.",
      "",
      "--prompt-texts and the few-shot flags replace the prompts' texts and examples",
      "(docs/llm.md); --escape-tokens escapes token text in the prompts.",
      "",
      "Exit status: 0 when the neuron was scored. Otherwise no file is written and",
      "the status is 1 for bad input, 2 for a bad option or option file, 3 when an",
      "LLM call failed and 4 when the model's answers could not be parsed."
    })
public final class ExplainNeuronCommand implements Callable<Integer> {

  @Option(
      names = "--explainer",
      required = true,
      paramLabel = "E",
      description = "token-activation-pair, token-space or baseline.")
  String explainer;

  @Option(
      names = "--simulator",
      required = true,
      paramLabel = "S",
      description = "all-at-once, one-at-a-time, line, json, json-multi or baseline.")
  String simulator;

  @Option(
      names = "--format",
      paramLabel = "F",
      defaultValue = "chat",
      description = "The explainer's prompt format: chat (default), completion or instruction.")
  String format;

  @Option(
      names = "--simulator-format",
      paramLabel = "F",
      description = "The simulator's prompt format (default: the simulator's own).")
  String simulatorFormat;

  @Option(
      names = "--calibration",
      paramLabel = "C",
      defaultValue = "linear",
      description = "linear (default), none, percentile or percentile-midrank.")
  String calibration;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Directory of the response cache (llm-cache/ in it); none by default.")
  Path cache;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.jsonl",
      description = "Where to write the explanations file; written only on success.")
  Path out;

  @Option(
      names = "--all-at-once-max-tokens",
      paramLabel = "N",
      defaultValue = "0",
      description = "max_tokens of all-at-once requests: 0 as in the paper, 1 for vLLM.")
  int echoMaxTokens;

  @Mixin ExplainerInputOptions inputs;

  @Mixin PromptOptions prompts;

  @Mixin LlmOptions llm;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ExplainerKind explainerKind = NeuronInputs.explainer(explainer);
    SimulatorKind simulatorKind = NeuronInputs.simulator(simulator);
    CalibrationMethod method = NeuronInputs.calibration(calibration);
    PromptInputs promptInputs = prompts.read(explainerKind, simulatorKind).inputs();
    ExplainerInput input = inputs.read();
    NeuronRecord neuron = input.neuron();
    boolean needsModel = explainerKind.needsModel() || simulatorKind.needsModel();
    Map<String, String> env = System.getenv();
    String model = needsModel ? llm.requireModel(env) : "";
    LlmConfig config = needsModel ? llm.config(env) : null;
    try (RetryProgress progress =
            new RetryProgress(spec.commandLine().getErr(), RetryProgress.INTERVAL);
        LlmClient client = needsModel ? client(config.withoutSimulator(), progress, null) : null;
        // The simulator's own endpoint adds to the same totals, so the report sums both.
        LlmClient ownSimulator =
            needsModel && config.splitSimulator()
                ? client(config.simulatorEndpoint(), progress, client.usage())
                : null) {
      UsageAccumulator account = client == null ? null : client.usage().child();
      LlmTransport transport =
          client == null ? LlmTransport.none() : new ClientTransport(client, account);
      LlmTransport simulating =
          ownSimulator == null ? transport : new ClientTransport(ownSimulator, account);
      String simulatorModel = ownSimulator == null ? model : ownSimulator.config().model();
      ExplainAndScore run;
      try {
        ExplainerSettings settings =
            inputs.settings(model, NeuronInputs.format(format)).withPrompts(promptInputs);
        run =
            new ExplainAndScore(
                explainerKind.create(
                    settings, config == null ? null : TokenCounter.of(config.tokenizerFor(model))),
                simulatorKind.create(
                    simulatorModel,
                    simulatorFormat(simulatorKind),
                    echoMaxTokens,
                    simulating,
                    promptInputs),
                new NeuronScorer(SliceParams.paper(), method));
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      ExplainAndScore.Outcome outcome;
      try {
        outcome = run.run(input, transport).toCompletableFuture().join();
      } catch (CompletionException | IllegalArgumentException e) {
        // An explainer that cannot build its request (token-space without a table) throws here.
        throw LlmFailures.explain(e, neuron.neuronId(), config);
      }
      ResultsFile.write(out, outcome.results());
      NeuronRunReport.print(
          spec.commandLine().getOut(),
          outcome,
          account == null ? null : account.snapshot(),
          model,
          out);
    }
    return 0;
  }

  private PromptFormat simulatorFormat(SimulatorKind kind) {
    return simulatorFormat == null ? kind.defaultFormat() : NeuronInputs.format(simulatorFormat);
  }

  private LlmClient client(LlmConfig config, RetryProgress progress, UsageAccumulator usage) {
    LlmClient.Builder builder = LlmClient.builder(config).retryListener(progress);
    if (usage != null) {
      builder.usage(usage);
    }
    if (cache != null) {
      builder.cache(new LocalDirectoryStore(cache));
    }
    return builder.build();
  }
}
