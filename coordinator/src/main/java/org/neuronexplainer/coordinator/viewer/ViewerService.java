package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The viewer's answers as JSON trees, computed with blocking store reads; {@link ViewerRoutes} runs
 * these on worker threads. Owns the catalog (index and overview), built once per store on first
 * use.
 */
public final class ViewerService implements AutoCloseable {

  // Long enough for a small store to finish; a big one answers "building" and the page retries.
  private static final long CATALOG_WAIT_MILLIS = 15_000;

  private final long catalogWaitMillis;

  private final BlobStore store;
  private final Optional<ModelDims> configuredDims;
  private final ExecutorService reads;
  private final NeuronPageLoader loader;
  private final ObjectMapper json = new ObjectMapper();
  private final Random random = new Random();
  private CompletableFuture<StoreCatalog> catalog;
  private volatile StoreCatalog.Progress progress = new StoreCatalog.Progress();
  private volatile Optional<ModelDims> storeDims;

  /** {@code dims} overrides what the store says of its model (its model.json, or nothing). */
  public ViewerService(BlobStore store, Optional<ModelDims> dims) {
    this(store, dims, CATALOG_WAIT_MILLIS);
  }

  ViewerService(BlobStore store, Optional<ModelDims> dims, long catalogWaitMillis) {
    this.catalogWaitMillis = catalogWaitMillis;
    this.store = store;
    this.configuredDims = dims;
    // Reads are I/O-bound round trips on the https store, so more threads than cores pay off.
    this.reads = Executors.newFixedThreadPool(8, daemon("viewer-read"));
    this.loader = new NeuronPageLoader(store, reads);
  }

  public BlobStore store() {
    return store;
  }

  /**
   * The model's dimensions where known for sure: configured, or the store's own. Never guessed from
   * the explanations found, since a partial store would then cut prev/next and the jump form short.
   */
  public Optional<ModelDims> dims() {
    if (configuredDims.isPresent()) {
      return configuredDims;
    }
    if (storeDims == null) {
      storeDims = ModelDims.of(store);
    }
    return storeDims;
  }

  /**
   * The store, its dimensions and whether it can be listed: what every page shows in its header.
   */
  public ObjectNode info() {
    ObjectNode node = json.createObjectNode();
    node.put("store", store.toString());
    putDims(node, dims());
    return node;
  }

  public ObjectNode neuron(NeuronId id) {
    ObjectNode page = loader.page(id);
    page.set("neuron", ViewerJson.neuron(json, id));
    Optional<ModelDims> dims = dims();
    putDims(page, dims);
    NeuronNavigation.previous(id, dims)
        .ifPresent(p -> page.set("prev", ViewerJson.neuron(json, p)));
    NeuronNavigation.next(id, dims).ifPresent(n -> page.set("next", ViewerJson.neuron(json, n)));
    return page;
  }

  public ObjectNode overview() {
    return withCatalog(built -> ViewerJson.overview(json, built));
  }

  public ObjectNode search(String query, SearchFilter filter, int offset, int limit) {
    return withCatalog(
        built -> ViewerJson.search(json, built.index().search(query, filter, offset, limit)));
  }

  /**
   * A random neuron: one with an explanation where the store can be listed, else uniform over the
   * known dimensions; empty when neither is known.
   */
  public Optional<NeuronId> randomNeuron() {
    StoreCatalog built = catalogNow();
    if (built != null && built.index().size() > 0) {
      var entries = built.index().entries();
      return Optional.of(entries.get(random.nextInt(entries.size())).neuron());
    }
    return dims()
        .map(d -> new NeuronId(random.nextInt(d.layers()), random.nextInt(d.neuronsPerLayer())));
  }

  private StoreCatalog catalogNow() {
    try {
      return catalog().get(catalogWaitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private ObjectNode withCatalog(java.util.function.Function<StoreCatalog, ObjectNode> answer) {
    try {
      ObjectNode node = answer.apply(catalog().get(catalogWaitMillis, TimeUnit.MILLISECONDS));
      node.put("available", true);
      return node;
    } catch (TimeoutException e) {
      StoreCatalog.Progress now = progress;
      String done =
          now.listed() < 0
              ? "listing the store's explanation files"
              : now.read() + " of " + now.listed() + " explanation files read";
      return unavailable("building", "the index of this store is being built (" + done + ")");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnsupportedOperationException) {
        return unavailable("unlistable", cause.getMessage());
      }
      return unavailable("failed", "cannot index this store: " + cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable("failed", "interrupted");
    }
  }

  private ObjectNode unavailable(String state, String reason) {
    ObjectNode node = json.createObjectNode();
    node.put("available", false);
    node.put("state", state);
    node.put("reason", reason);
    return node;
  }

  /** The catalog, started on first call; a failure other than "cannot list" is retried later. */
  synchronized CompletableFuture<StoreCatalog> catalog() {
    if (catalog == null || (catalog.isCompletedExceptionally() && !failedAsUnlistable(catalog))) {
      StoreCatalog.Progress started = new StoreCatalog.Progress();
      progress = started;
      catalog = CompletableFuture.supplyAsync(() -> StoreCatalog.load(store, started), reads);
    }
    return catalog;
  }

  private static boolean failedAsUnlistable(CompletableFuture<StoreCatalog> future) {
    try {
      future.getNow(null);
      return false;
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause() instanceof UnsupportedOperationException;
    }
  }

  private void putDims(ObjectNode node, Optional<ModelDims> dims) {
    if (dims.isPresent()) {
      ObjectNode d = node.putObject("dims");
      d.put("layers", dims.get().layers());
      d.put("neuronsPerLayer", dims.get().neuronsPerLayer());
    } else {
      node.putNull("dims");
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    reads.shutdownNow();
  }
}
