package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The viewer's answers as JSON trees, computed with blocking store reads; {@link ViewerRoutes} runs
 * these on worker threads. The catalog (index and overview) is built on first use and kept up to
 * date by a {@link LiveCatalog}. What the store's units are (a model's MLP neurons or an SAE's
 * latents) comes from its {@link DatasetSubject}, where it has one.
 */
public final class ViewerService implements AutoCloseable {

  // Long enough for a small store to finish; a big one answers "building" and the page retries.
  private static final long CATALOG_WAIT_MILLIS = 15_000;
  // How often, at most, a request makes the viewer look for new or rewritten explanation files.
  private static final long REFRESH_MILLIS = 10_000;
  // Tries at picking a random latent that is not dead before taking whatever came up.
  private static final int LIVE_PICKS = 64;

  private final long catalogWaitMillis;

  private final BlobStore store;
  private final Optional<ModelDims> configuredDims;
  private final ExecutorService reads;
  private final NeuronPageLoader loader;
  private final RunSource runs;
  private final ObjectMapper json = new ObjectMapper();
  private final Random random = new Random();
  private final LiveCatalog catalogs;
  private final StoreSubject subject;
  private final FindService find;
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
    this.subject = new StoreSubject(store, REFRESH_MILLIS);
    this.find = new FindService(this, store, reads);
  }

  /** The token search and the neurons' densities. */
  FindService find() {
    return find;
  }

  public BlobStore store() {
    return store;
  }

  /** The runs the run pages show: live from a coordinator, or the store's records alone. */
  public RunSource runs() {
    return runs;
  }

  /** What the store's units are, from its {@link DatasetSubject#KEY}; empty without one. */
  public Optional<DatasetSubject> subject() {
    return subject.get();
  }

  /**
   * The model's dimensions where known for sure: configured, the store's own, or for an SAE's
   * latents the hook's layer and the SAE's width. Never guessed from the explanations found, since
   * a partial store would then cut prev/next and the jump form short.
   */
  public Optional<ModelDims> dims() {
    if (configuredDims.isPresent()) {
      return configuredDims;
    }
    if (storeDims == null) {
      storeDims = ModelDims.of(store);
    }
    if (storeDims.isPresent()) {
      return storeDims;
    }
    return subject()
        .filter(DatasetSubject::holdsSaeLatents)
        .map(s -> ModelDims.oneLayer(s.layer(), s.width()));
  }

  /**
   * The store, its dimensions, what its units are and whether it can be listed: what every page
   * shows in its header.
   */
  public ObjectNode info() {
    ObjectNode node = json.createObjectNode();
    node.put("store", PlainText.storeName(store));
    node.put("liveRuns", runs.live());
    putDims(node, dims());
    Optional<DatasetSubject> known = subject();
    node.put("unit", known.map(DatasetSubject::unitName).orElse("neuron"));
    if (known.isPresent()) {
      node.set("subject", ViewerJson.subject(json, known.get()));
    } else {
      node.putNull("subject");
    }
    return node;
  }

  /**
   * The neuron page's data. A neuron outside the model's known dimensions gets no file reads: the
   * answer says it does not exist ({@code exists: false}), what the model has, and real neurons to
   * go to instead ({@link NeuronAbsence}).
   */
  public ObjectNode neuron(NeuronId id) {
    Optional<ModelDims> bounds = dims();
    if (bounds.isPresent() && !bounds.get().contains(id)) {
      return NeuronAbsence.outsideModel(json, id, bounds.get(), subject());
    }
    // A store from before capture wrote model.json still has the layers' width in subject.json.
    Optional<Integer> width = subject().map(DatasetSubject::width);
    if (bounds.isEmpty() && width.isPresent() && id.neuronIndex() >= width.get()) {
      return NeuronAbsence.outsideWidth(json, id, width.get(), subject().get().unitName());
    }
    ObjectNode page = loader.page(id);
    if (bounds.isPresent()) {
      page.put("exists", true);
    } else {
      page.putNull("exists"); // no model size: only the files can tell
    }
    page.put("empty", NeuronAbsence.nothingStored(page));
    page.set("neuron", ViewerJson.neuron(json, id));
    Optional<DatasetSubject> known = subject();
    page.put("unit", known.map(DatasetSubject::unitName).orElse("neuron"));
    if (known.isPresent() && known.get().holdsSaeLatents()) {
      page.put("dead", isDead(known.get(), id));
    }
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

  /** As {@link #search}, keeping only the explanations {@code also} accepts. */
  ObjectNode search(
      String query, SearchFilter filter, Predicate<ExplanationEntry> also, int offset, int limit) {
    return withCatalog(
        built ->
            ViewerJson.search(
                json,
                built
                    .index()
                    .search(query, e -> filter.accepts(e) && also.test(e), offset, limit)));
  }

  /** The newest explanation catalog if one is built, else null (the build is started). */
  StoreCatalog catalogIfReady() {
    CompletableFuture<StoreCatalog> first = catalog();
    return first.isDone() && !first.isCompletedExceptionally() ? catalogNow() : null;
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
    Optional<ModelDims> dims = dims();
    if (dims.isEmpty()) {
      return Optional.empty();
    }
    Optional<DatasetSubject> known = subject();
    NeuronId picked = pick(dims.get());
    for (int i = 1; i < LIVE_PICKS && known.isPresent() && isDead(known.get(), picked); i++) {
      picked = pick(dims.get());
    }
    return Optional.of(picked);
  }

  private NeuronId pick(ModelDims d) {
    return new NeuronId(
        d.firstLayer() + random.nextInt(d.layers() - d.firstLayer()),
        random.nextInt(d.neuronsPerLayer()));
  }

  /** Whether {@code id} is one of the SAE's dead latents: never active over the corpus. */
  private static boolean isDead(DatasetSubject subject, NeuronId id) {
    return subject.holdsSaeLatents()
        && id.layerIndex() == subject.layer()
        && Collections.binarySearch(subject.deadLatents(), id.neuronIndex()) >= 0;
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
      return unavailable("failed", "cannot index this store: " + PlainText.reason(cause));
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
    if (now) {
      find.refresh(); // the overview's Refresh: the token index looks for new records too
    }
    return catalogs.refresh(now);
  }

  private void putDims(ObjectNode node, Optional<ModelDims> dims) {
    if (dims.isPresent()) {
      ObjectNode d = node.putObject("dims");
      d.put("layers", dims.get().layers());
      d.put("neuronsPerLayer", dims.get().neuronsPerLayer());
      d.put("firstLayer", dims.get().firstLayer());
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
