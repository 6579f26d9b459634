package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The viewer's answers as JSON trees, computed with blocking store reads; {@link ViewerRoutes} runs
 * these on worker threads. The catalog (index and overview) is built on first use and kept up to
 * date by a {@link LiveCatalog}.
 */
public final class ViewerService implements AutoCloseable {

  // Long enough for a small store to finish; a big one answers "building" and the page retries.
  private static final long CATALOG_WAIT_MILLIS = 15_000;
  // How often, at most, a request makes the viewer look for new or rewritten explanation files.
  private static final long REFRESH_MILLIS = 10_000;

  private final long catalogWaitMillis;

  private final BlobStore store;
  private final Optional<ModelDims> configuredDims;
  private final ExecutorService reads;
  private final NeuronPageLoader loader;
  private final RunSource runs;
  private final ObjectMapper json = new ObjectMapper();
  private final Random random = new Random();
  private final LiveCatalog catalogs;
  private volatile Optional<ModelDims> storeDims;

  /** {@code dims} overrides what the store says of its model (its model.json, or nothing). */
  public ViewerService(BlobStore store, Optional<ModelDims> dims) {
    this(store, dims, CATALOG_WAIT_MILLIS, REFRESH_MILLIS);
  }

  /** As above, with the run pages reading {@code runs} (the coordinator's live progress). */
  public ViewerService(BlobStore store, Optional<ModelDims> dims, RunSource runs) {
    this(store, dims, CATALOG_WAIT_MILLIS, REFRESH_MILLIS, runs);
  }

  ViewerService(BlobStore store, Optional<ModelDims> dims, long catalogWaitMillis) {
    this(store, dims, catalogWaitMillis, REFRESH_MILLIS);
  }

  /**
   * {@code refreshMillis}: the least time between two looks for changed files (0: at every
   * request).
   */
  ViewerService(
      BlobStore store, Optional<ModelDims> dims, long catalogWaitMillis, long refreshMillis) {
    this(store, dims, catalogWaitMillis, refreshMillis, new StoreRunRecords(store));
  }

  private ViewerService(
      BlobStore store,
      Optional<ModelDims> dims,
      long catalogWaitMillis,
      long refreshMillis,
      RunSource runs) {
    this.runs = runs;
    this.catalogWaitMillis = catalogWaitMillis;
    this.store = store;
    this.configuredDims = dims;
    // Reads are I/O-bound round trips on the https store, so more threads than cores pay off.
    this.reads = Executors.newFixedThreadPool(8, daemon("viewer-read"));
    this.loader = new NeuronPageLoader(store, reads);
    this.catalogs = new LiveCatalog(store, reads, refreshMillis);
  }

  public BlobStore store() {
    return store;
  }

  /** The runs the run pages show: live from a coordinator, or the store's records alone. */
  public RunSource runs() {
    return runs;
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
    node.put("liveRuns", runs.live());
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
      return ready();
    } catch (ExecutionException | TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private ObjectNode withCatalog(Function<StoreCatalog, ObjectNode> answer) {
    try {
      ObjectNode node = answer.apply(ready());
      node.put("available", true);
      node.put("refreshing", !refresh(false).isDone());
      return node;
    } catch (TimeoutException e) {
      StoreCatalog.Progress now = catalogs.progress();
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

  /** The newest catalog; waits for the first one to be built, at most the catalog wait. */
  private StoreCatalog ready() throws ExecutionException, TimeoutException, InterruptedException {
    return catalogs.ready(catalogWaitMillis);
  }

  /** The first catalog, started on first call; a failure other than "cannot list" is retried. */
  CompletableFuture<StoreCatalog> catalog() {
    return catalogs.first();
  }

  /** See {@link LiveCatalog#refresh(boolean)}. */
  public CompletableFuture<Boolean> refresh(boolean now) {
    return catalogs.refresh(now);
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

  private static ThreadFactory daemon(String name) {
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
