package org.neuronexplainer.cli.viewer;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.StoreUrl;
import org.neuronexplainer.coordinator.viewer.BoundedProbe;
import org.neuronexplainer.coordinator.viewer.ModelDims;
import org.neuronexplainer.coordinator.viewer.ViewerServer;
import org.neuronexplainer.coordinator.viewer.ViewerService;
import org.neuronexplainer.coordinator.viewer.ViewerStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: the neuron viewer on its own, over one store. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Serves the neuron viewer for a store of dataset files.",
      "For a store laid out as OpenAI's public datasets it shows",
      "neuron pages (explanations, scores, activation heat maps, related tokens and",
      "neurons), a model overview and search over the explanations.",
      "",
      "STORE is a local directory (our output or a local copy) or an https URL, e.g.",
      "  https://openaipublic.blob.core.windows.net/neuron-explainer/data/",
      "  https://openaipublic.blob.core.windows.net/neuron-explainer/gpt2_small_data/",
      "A public https container cannot be listed: its neuron pages and random neuron",
      "work, its overview and search do not. Give --store more than once to choose",
      "between stores in the page. The run pages (/runs) show each run's recorded state",
      "and done count from the store; live progress, failures and re-queue are on the",
      "viewer that the coordinator (and so `run`) serves.",
      "",
      "A listable store's SAE datasets (saes/NAME/ with a subject.json, written by",
      "capture --sae) are served too, each after its store, as latents of that SAE;",
      "ones written while the viewer runs are added at the end of the list within",
      "about 30 seconds of a page load.",
      "",
      "With --model, each neuron page has a box that runs the model on a text typed in",
      "and shows the neuron's activation on each token; with an LLM endpoint configured",
      "(LLM_MODEL, LLM_BASE_URL, LLM_API_KEY as for a run) also the simulator's",
      "prediction from the explanation. Runs until interrupted (Ctrl-C)."
    })
public final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--store",
      required = true,
      paramLabel = "STORE",
      description = "A local directory or an https:// URL of a dataset root; repeatable.")
  List<String> storeArgs;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for all).")
  String host;

  @Option(
      names = "--model-dims",
      paramLabel = "LAYERSxNEURONS",
      description =
          "The model's size, e.g. 48x6400, for the jump form, prev/next and the random neuron"
              + " (for every store given; an SAE dataset found in one has its own)."
              + " Default: the store's model.json, or the known size of a public container.")
  String modelDims;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "The checkpoint directory (or hub id) of the model whose neurons the store holds,"
              + " loaded once, to try a neuron on your own text from its page.")
  String model;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    // The flags are checked before any store is opened: a mistake is named, not a failed bind.
    try {
      host = Env.parsedHost(host);
    } catch (IllegalArgumentException e) {
      throw new UserException(Env.invalid("--host", host, e.getMessage()).getMessage(), 2);
    }
    Optional<ModelDims> dims = Optional.ofNullable(modelDims).map(ServeCommand::parseDims);
    List<BlobStore> blobs = new ArrayList<>();
    for (String store : storeArgs) {
      try {
        blobs.add(StoreUrl.open(store));
      } catch (IllegalArgumentException e) {
        throw new UserException("--store: " + e.getMessage(), 2);
      }
    }
    // Loaded before the server starts: a checkpoint that cannot be used is named, not served.
    Optional<BoundedProbe> probe =
        Optional.ofNullable(model).map(m -> ModelProbe.open(m, "--model", System.getenv()));
    List<ViewerStores.Entry> entries = new ArrayList<>();
    for (int i = 0; i < blobs.size(); i++) {
      entries.add(new ViewerStores.Entry(storeArgs.get(i), new ViewerService(blobs.get(i), dims)));
    }
    ViewerStores stores = new ViewerStores(entries);
    ViewerServer server;
    try {
      server = ViewerServer.start(stores, probe, host, port);
    } catch (IllegalStateException e) {
      stores.close();
      throw new UserException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    out.println(
        "Serving the neuron viewer for "
            + String.join(", ", storeArgs)
            + " at http://"
            + shownHost
            + ":"
            + server.port()
            + "/");
    if (model != null) {
      out.println("  trying texts on the neuron pages with " + probe.get().probe().describe());
    }
    List<ViewerStores.Entry> served = stores.entries();
    for (int i = 0; i < served.size(); i++) {
      if (!entries.contains(served.get(i))) {
        out.println("  and ?store=" + i + ": " + served.get(i).label());
      }
    }
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  static ModelDims parseDims(String text) {
    String[] parts = text.toLowerCase(Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        return new ModelDims(
            Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the message below
    }
    throw new UserException(
        "--model-dims: expected LAYERSxNEURONS with positive numbers, e.g. 48x6400, got " + text,
        2);
  }
}
