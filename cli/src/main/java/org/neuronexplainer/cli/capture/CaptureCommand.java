package org.neuronexplainer.cli.capture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.neuronexplainer.cli.SelectionFlag;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.cli.pipeline.StoreDirectory;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.run.Selection;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.Sae;
import org.neuronexplainer.worker.capture.SaeFiles;
import org.neuronexplainer.worker.capture.SubjectConfig;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.corpus.CorpusException;
import org.neuronexplainer.worker.capture.corpus.Excerpts;
import org.neuronexplainer.worker.capture.run.Capture;
import org.neuronexplainer.worker.capture.run.CaptureJob;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neuron-explainer capture}: NeuronRecords and token tables from a corpus. */
@Command(
    name = "capture",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Records what makes each neuron fire over a corpus.",
      "It runs the subject model over a corpus cut into excerpts and writes, per neuron,",
      "collated-activations/{layer}/{neuron}.json (NeuronRecord: top excerpts by max",
      "activation, a random sample, 5 quantile buckets, moments) and",
      "related-tokens/activation-based/{layer}/{neuron}.json (mean activation per token).",
      "",
      "With --shard i/n (or --partials-only) it writes the shard's partials under",
      "runs/{run}/partials/ instead; `collate` merges them into the same files a single",
      "pass writes. Without --model it uses the smoke model (random weights: its",
      "neurons mean nothing) and, without --corpus, the shipped examples/corpus.",
      "",
      "With --sae DIR (repeatable) it captures the latents of sparse autoencoders in",
      "SAELens' layout (cfg.json, sae_weights.safetensors; standard, jumprelu or topk, at",
      "blocks.L.hook_resid_pre, hook_resid_post or hook_mlp_out) instead of the MLP",
      "neurons, all on one forward pass: each SAE's records go to saes/{name}/ of the",
      "store, with its subject.json, under its hook's layer. Latents never active over",
      "the corpus get no record; subject.json lists them. --neurons picks latents. A",
      "sharded capture (--shard, --partials-only) reads one SAE per run; collate it",
      "with `collate --sae NAME`. An SAE on the Hugging Face hub is given as",
      "hf:owner/repo/folder[@revision] (the folder holding cfg.json and",
      "sae_weights.safetensors), downloaded once into the cache beside hub models and",
      "named after its folder unless NAME= is given.",
      "",
      "Example:",
      "  neuron-explainer capture --model ./gpt2 --corpus webtext.jsonl --out ./store \\",
      "      --max-excerpts 50000 --layers 0-5",
      "  neuron-explainer capture --model ./gpt2 --sae res-8=./saes/blocks.8.hook_resid_pre \\",
      "      --corpus webtext.jsonl --out ./store",
      "  neuron-explainer capture --model gpt2 --corpus webtext.jsonl --out ./store \\",
      "      --sae hf:jbloom/GPT2-Small-SAEs-Reloaded/blocks.8.hook_resid_pre",
      ""
    })
public final class CaptureCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "A checkpoint directory (GPT-2, Llama, Mistral or Qwen 2) or hub id (default: the"
              + " smoke model).")
  String model;

  @Option(
      names = "--corpus",
      arity = "1..*",
      paramLabel = "FILE",
      description =
          "Corpus files: .jsonl (one {\"text\": ...} per line) or plain UTF-8 text (one"
              + " document per file). Default: the shipped examples/corpus.")
  List<Path> corpus;

  @Option(names = "--out", required = true, paramLabel = "STORE_DIR", description = "The store.")
  Path out;

  @Option(names = "--run", paramLabel = "ID", defaultValue = "capture", description = "Run id.")
  String run;

  @Option(names = "--layers", defaultValue = "all", description = "all, 5, 0,2 or 3-7.")
  String layers;

  @Option(
      names = "--neurons",
      defaultValue = "all",
      paramLabel = "SPEC",
      description = "Neurons to keep in each layer: all, 5, 0,2 or 0-99.")
  String neurons;

  @Option(
      names = "--sae",
      paramLabel = "[NAME=]DIR|hf:REPO/FOLDER",
      description =
          "An SAE directory in SAELens' layout, or an SAE on the hub as"
              + " hf:owner/repo/folder[@revision], named NAME or after the (last) folder;"
              + " repeatable. Captures its latents instead of the MLP neurons.")
  List<String> saes;

  @Option(names = "--shard", paramLabel = "i/n", defaultValue = "0/1", description = "Shard.")
  String shard;

  @Option(names = "--partials-only", description = "Write partials even for a single shard.")
  boolean partialsOnly;

  @Option(names = "--table-size", defaultValue = "50", description = "Tokens per lookup table.")
  int tableSize;

  @Option(
      names = "--table-min-count",
      defaultValue = "2",
      description = "Occurrences a token needs to enter a lookup table (2).")
  int tableMinCount;

  @Option(
      names = "--progress",
      defaultValue = "auto",
      description = "auto (a bar on a terminal), bar, lines (every 10%%) or none.")
  String progress;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N.")
  String device;

  @Mixin ExcerptOptions excerpt;

  @Override
  public Integer call() {
    // The selections' grammar is checked before the model loads, with run's messages.
    SelectionFlag.check(layers, "--layers");
    SelectionFlag.check(neurons, "--neurons");
    int[] shardOf = parseShard(shard);
    StoreDirectory.checkWritable(out, "--out");
    CaptureSettings settings = settings();
    int batch = excerpt.batch();
    List<SaeFiles> saeFiles = saeFiles(shardOf);
    Path modelDir = model == null ? SmokeModel.ensure() : ModelDirectory.require(model);
    List<Path> files = corpus == null ? SmokeModel.corpus() : corpus;
    ComputeOptions compute = computeOptions();
    try (SubjectTokenizer tokenizer =
            CaptureErrors.asUserErrors(() -> SubjectTokenizer.load(modelDir));
        SubjectModel gpt2 =
            CaptureErrors.asUserErrors(() -> SubjectModel.load(modelDir, compute))) {
      SubjectConfig config = gpt2.config();
      int bos = tokenizer.bosId().isPresent() ? 1 : 0;
      if (excerpt.context + bos > config.positions()) {
        throw new UserException(
            "--context "
                + excerpt.context
                + (bos == 0 ? "" : " (after the BOS token each excerpt starts with)")
                + " is longer than the model's n_positions "
                + config.positions());
      }
      requireVocabularyFits(tokenizer, config);
      // Every SAE is checked against the model (and its weights read) before the corpus is cut.
      List<Sae> loaded =
          saeFiles.stream().map(f -> CaptureErrors.asUserErrors(() -> gpt2.loadSae(f))).toList();
      int[] layerList =
          loaded.isEmpty()
              ? CaptureErrors.select(layers, "--layers", config.layers(), "layer")
              : loaded.stream().mapToInt(sae -> sae.hook().layer()).distinct().sorted().toArray();
      int width =
          loaded.isEmpty()
              ? config.neurons()
              : loaded.stream().mapToInt(Sae::dSae).min().orElseThrow();
      // null keeps every neuron of a layer
      int[] neuronList =
          Selection.isAll(neurons)
              ? null
              : CaptureErrors.select(
                  neurons, "--neurons", width, loaded.isEmpty() ? "neuron" : "latent");
      Excerpts excerpts = cut(files, tokenizer, excerpt.context, excerpt.maxExcerpts);
      CaptureJob job =
          new CaptureJob(
              run,
              modelDir.toAbsolutePath().toString(),
              files.stream().map(Path::toString).toList(),
              shardOf[0],
              shardOf[1],
              layerList,
              neuronList,
              settings,
              batch,
              partialsOnly);
      var store = new LocalDirectoryStore(out);
      Capture.Outcome outcome;
      try {
        var bar = ProgressBar.of(progress, System.err);
        if (loaded.isEmpty()) {
          outcome = Capture.run(gpt2, tokenizer, excerpts, job, store, bar);
        } else {
          List<Capture.SaeTarget> targets =
              loaded.stream()
                  .map(
                      sae ->
                          new Capture.SaeTarget(
                              sae, store.under(DatasetSubject.saeFolder(sae.name()))))
                  .toList();
          outcome = Capture.runSaes(gpt2, tokenizer, excerpts, job, targets, bar);
        }
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage()); // the run's settings against the model or memory
      }
      PrintWriter stdout = spec.commandLine().getOut();
      if (outcome.partials() && !loaded.isEmpty()) {
        String name = loaded.get(0).name();
        stdout.printf(
            "wrote partials of shard %s (%d of %d excerpts, SAE %s) to %s under saes/%s/runs/%s;"
                + " run `collate --store %s --run %s --sae %s` when every shard is done%n",
            shard,
            outcome.shardExcerpts(),
            outcome.excerpts(),
            name,
            out,
            name,
            run,
            out,
            run,
            name);
      } else if (outcome.partials()) {
        stdout.printf(
            "wrote partials of shard %s (%d of %d excerpts, layers %s) to %s under runs/%s;"
                + " run `collate --store %s --run %s` when every shard is done%n",
            shard, outcome.shardExcerpts(), outcome.excerpts(), layers, out, run, out, run);
      } else if (!loaded.isEmpty()) {
        stdout.printf(
            "wrote %d latent records and token tables of %d SAEs (%d excerpts of %d tokens, %s)"
                + " to %s under saes/%n",
            outcome.neuronsWritten(),
            loaded.size(),
            outcome.excerpts(),
            excerpt.context,
            gpt2.describeCompute(),
            out);
        for (Sae sae : loaded) {
          List<Integer> dead = outcome.deadLatents().getOrDefault(sae.name(), List.of());
          stdout.printf(
              "  SAE %s (%s, %s): %d of %d latents dead (never active), not written%n",
              sae.name(),
              sae.config().architecture().label(),
              sae.hook(),
              dead.size(),
              neuronList == null ? sae.dSae() : neuronList.length);
        }
      } else {
        stdout.printf(
            "wrote %d NeuronRecords and token tables (%d excerpts of %d tokens, %s) to %s%n",
            outcome.neuronsWritten(),
            outcome.excerpts(),
            excerpt.context,
            gpt2.describeCompute(),
            out);
      }
      stdout.flush();
    }
    return 0;
  }

  /**
   * The SAEs of {@code --sae}, their settings read and checked before the model loads: names
   * unique, one SAE for a sharded run, no {@code --layers} (an SAE's layer is its hook's).
   */
  private List<SaeFiles> saeFiles(int[] shardOf) {
    if (saes == null || saes.isEmpty()) {
      return List.of();
    }
    if (!layers.equals("all")) {
      throw new UserException(
          "--layers does not apply with --sae: an SAE's latents are filed under its hook's layer");
    }
    if (saes.size() > 1 && (partialsOnly || shardOf[1] > 1)) {
      throw new UserException(
          "a sharded capture (--shard, --partials-only) reads one SAE per run; "
              + saes.size()
              + " --sae were given");
    }
    List<SaeFiles> files = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String argument : saes) {
      SaeFiles sae;
      try {
        sae =
            CaptureErrors.asUserErrors(() -> SaeFiles.parse(argument, ModelDirectory::requireSae));
      } catch (IllegalArgumentException e) {
        throw new UserException("--sae " + argument + ": " + e.getMessage());
      }
      if (!names.add(sae.name())) {
        throw new UserException(
            "two --sae are named " + sae.name() + "; name them apart with --sae NAME=DIR");
      }
      files.add(sae);
    }
    return files;
  }

  /** Every token id the tokenizer gives must be a row of the model's embedding. */
  static void requireVocabularyFits(SubjectTokenizer tokenizer, SubjectConfig config) {
    if (tokenizer.vocabSize() > config.vocabSize()) {
      throw new UserException(
          "the tokenizer has "
              + tokenizer.vocabSize()
              + " tokens, the model only "
              + config.vocabSize());
    }
  }

  /** The corpus cut into excerpts of {@code context} tokens, at least one of them. */
  static Excerpts cut(List<Path> files, SubjectTokenizer tokenizer, int context, int maxExcerpts) {
    try {
      Excerpts excerpts = Excerpts.cut(files, tokenizer::encode, context, maxExcerpts);
      if (excerpts.count() == 0) {
        throw new UserException(
            "the corpus has no excerpt of "
                + context
                + " tokens (documents shorter than"
                + " --context are skipped)");
      }
      return excerpts;
    } catch (CorpusException e) {
      throw new UserException(e.getMessage());
    }
  }

  private CaptureSettings settings() {
    try {
      boolean twoPass =
          switch (excerpt.quantiles) {
            case "one-pass" -> false;
            case "two-pass" -> true;
            default ->
                throw new UserException(
                    "--quantiles " + excerpt.quantiles + ": expected one-pass or two-pass");
          };
      if (twoPass && (partialsOnly || parseShard(shard)[1] > 1)) {
        throw new UserException(
            "--quantiles two-pass runs over the whole corpus in one process: drop --shard and"
                + " --partials-only, or use --quantiles one-pass (raise --quantile-keys for exact"
                + " boundaries)");
      }
      return new CaptureSettings(
          excerpt.context,
          excerpt.top,
          excerpt.random,
          excerpt.pool,
          excerpt.seed,
          tableSize,
          tableMinCount,
          excerpt.quantileKeys,
          twoPass);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  private ComputeOptions computeOptions() {
    try {
      return new ComputeOptions(device, Precision.parse(excerpt.precision));
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  static int[] parseShard(String text) {
    String[] parts = text.split("/", -1);
    try {
      int index = Integer.parseInt(parts[0].trim());
      int count = Integer.parseInt(parts[1].trim());
      if (parts.length == 2 && count >= 1 && index >= 0 && index < count) {
        return new int[] {index, count};
      }
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      // reported below
    }
    throw new UserException("--shard " + text + ": expected i/n with 0 <= i < n, e.g. 0/4");
  }
}
