package org.neuronexplainer.coordinator.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * Finding neurons by what they fire on: the token search, the density of a neuron and the density
 * filter on the explanation search, over the store's {@link ActivationCatalog}. The catalog is
 * built on first use; until it is, answers say so with the progress, as the explanation search
 * does.
 */
final class FindService {

  // As the explanation catalog: a small store answers at once, a big one says "building".
  private static final long WAIT_MILLIS = 15_000;
  private static final long REFRESH_MILLIS = 10_000;

  /** Tokens of a neuron listed on its page. */
  static final int TOKENS_SHOWN = 12;

  private final ViewerService viewer;
  private final BlobStore store;
  private final LiveActivations activations;
  private final ObjectMapper json = new ObjectMapper();

  FindService(ViewerService viewer, BlobStore store, ExecutorService reads) {
    this.viewer = viewer;
    this.store = store;
    this.activations = new LiveActivations(store, reads, REFRESH_MILLIS);
  }

  /** Thrown where the activation catalog cannot answer yet or at all; the message is for people. */
  static final class Unavailable extends Exception {
    private final String state;

    Unavailable(String state, String reason) {
      super(reason);
      this.state = state;
    }

    String state() {
      return state;
    }
  }

  /** The newest activation catalog, or why there is none. */
  ActivationCatalog activations() throws Unavailable {
    try {
      return activations.ready(WAIT_MILLIS);
    } catch (TimeoutException e) {
      ActivationCatalog.Progress now = activations.progress();
      String done =
          now.listed() < 0
              ? "listing the store's collated-activations files"
              : now.read() + " of " + now.listed() + " collated-activations files read";
      throw new Unavailable(
          "building", "the index of what the neurons fire on is being built (" + done + ")");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnsupportedOperationException) {
        throw new Unavailable(
            "unlistable",
            "this store cannot be listed, so it cannot be searched by what neurons fire on;"
                + " open a neuron by its number instead");
      }
      throw new Unavailable("failed", "the store's collated activations could not be indexed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("failed", "interrupted");
    }
  }

  /** The neurons that fire most on the token or text {@code query}, with their explanations. */
  ObjectNode tokens(String query, ActivityFilter filter, int offset, int limit) {
    return answer(
        built -> {
          ActivationIndex.Result result =
              built.index().search(query, filter::accepts, offset, limit);
          ObjectNode node = json.createObjectNode();
          node.put("mode", "tokens");
          node.put("total", result.total());
          node.put("neuronsIndexed", built.index().size());
          ArrayNode words = node.putArray("words");
          ActivationIndex.words(query).forEach(words::add);
          node.put("text", ExcerptWindows.normalise(query));
          StoreCatalog explained = explanationsIfReady();
          ArrayNode hits = node.putArray("hits");
          for (ActivationIndex.Hit hit : result.hits()) {
            ObjectNode h = hits.addObject();
            h.put("layer", hit.neuron().neuron().layerIndex());
            h.put("neuron", hit.neuron().neuron().neuronIndex());
            ViewerJson.putScore(h, "activation", hit.activation());
            putActivity(h, hit.neuron());
            putExplanation(h, explained, hit.neuron().neuron());
          }
          return node;
        });
  }

  /**
   * The explanation search with an activity filter besides: only neurons with a readable record
   * that passes {@code activity} are kept. Each hit carries its neuron's density.
   */
  ObjectNode explanations(
      String query, SearchFilter filter, ActivityFilter activity, int offset, int limit) {
    if (!activity.needsActivity()) {
      ObjectNode node = viewer.search(query, filter, e -> true, offset, limit);
      addDensities(node, activations.ifReady());
      return node;
    }
    return answer(
        built -> {
          ObjectNode node =
              viewer.search(
                  query,
                  filter,
                  e -> {
                    NeuronActivity a = built.index().get(e.neuron());
                    return a != null && activity.accepts(a);
                  },
                  offset,
                  limit);
          addDensities(node, built);
          return node;
        });
  }

  /** What an export holds: a search's matches (either mode) or a run's neurons. */
  record Selection(
      String mode, String query, SearchFilter filter, ActivityFilter activity, String runId) {}

  /**
   * Writes every row of {@code selection} to {@code out}: a search's matches in its order (an
   * explanation search without words in the store's order, streamed straight from the index), or a
   * run's neurons with their first explanation.
   */
  void export(Selection selection, NeuronExport out) throws Unavailable {
    ActivationCatalog built;
    try {
      built = activations();
    } catch (Unavailable e) {
      if (selection.activity().needsActivity()
          || selection.mode().equals("tokens")
          || e.state().equals("building")) {
        throw e;
      }
      built = null; // a store that cannot be listed still exports its run's neurons
    }
    ActivationIndex index = built == null ? null : built.index();
    if (selection.runId() != null) {
      exportRun(selection.runId(), index, out);
      return;
    }
    if (selection.mode().equals("tokens")) {
      StoreCatalog explained = explanationsWaiting(false);
      ActivationIndex.Result result =
          index.search(selection.query(), selection.activity()::accepts, 0, index.size());
      out.header();
      for (ActivationIndex.Hit hit : result.hits()) {
        NeuronId id = hit.neuron().neuron();
        Optional<ExplanationEntry> top = explained == null ? Optional.empty() : top(explained, id);
        if (top.isPresent()) {
          out.row(top.get(), hit.neuron(), hit.activation());
        } else {
          out.row(id, 0, null, Double.NaN, hit.neuron(), hit.activation());
        }
      }
      return;
    }
    StoreCatalog explained = explanationsWaiting(true);
    ActivityFilter activity = selection.activity();
    Predicate<ExplanationEntry> accepts =
        e -> {
          if (!selection.filter().accepts(e)) {
            return false;
          }
          if (!activity.needsActivity()) {
            return true;
          }
          NeuronActivity a = index.get(e.neuron());
          return a != null && activity.accepts(a);
        };
    out.header();
    if (SearchTerms.of(selection.query()).isEmpty()) {
      for (ExplanationEntry entry : explained.index().entries()) {
        if (accepts.test(entry)) {
          out.row(entry, index == null ? null : index.get(entry.neuron()), Double.NaN);
        }
      }
      return;
    }
    ExplanationIndex.Result result =
        explained.index().search(selection.query(), accepts, 0, explained.index().size());
    for (ExplanationIndex.Hit hit : result.hits()) {
      out.row(hit.entry(), index == null ? null : index.get(hit.entry().neuron()), Double.NaN);
    }
  }

  /**
   * A run's neurons (its plan; where it kept none, the neurons its records name) with the run's own
   * results, never the store's view, which may show another run's: one row per explanation of the
   * run's file, or one empty row for a neuron the run has no result for.
   */
  private void exportRun(String runId, ActivationIndex index, NeuronExport out) {
    viewer.runs().view(runId); // RunNotFoundException for a run the store does not know
    RunRecords records = new RunRecords(store);
    List<NeuronId> neurons = new ArrayList<>();
    try {
      neurons.addAll(records.plan(runId));
    } catch (UncheckedIOException e) {
      // An unreadable plan: the neurons the run's records name are what is left.
    }
    if (neurons.isEmpty()) {
      for (var view : viewer.runs().neurons(runId, null)) {
        NeuronExport.runNeuron(view).ifPresent(neurons::add);
      }
    }
    out.fromRun(runId);
    out.header();
    for (NeuronId id : neurons) {
      NeuronActivity activity = index == null ? null : index.get(id);
      List<ExplanationEntry> own = runResults(runId, id);
      if (own.isEmpty()) {
        out.row(id, 0, null, Double.NaN, activity, Double.NaN);
      }
      for (ExplanationEntry entry : own) {
        out.row(entry, activity, Double.NaN);
      }
    }
  }

  /** The explanations of the run's own file for {@code id}; none where missing or unreadable. */
  private List<ExplanationEntry> runResults(String runId, NeuronId id) {
    try {
      Optional<byte[]> bytes = store.get(RunRecords.runExplanationKey(runId, id));
      return bytes.isEmpty() ? List.of() : ExplanationSummaryReader.read(bytes.get(), id);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * The explanation catalog, waiting for its first build; null or Unavailable when there is none.
   */
  private StoreCatalog explanationsWaiting(boolean required) throws Unavailable {
    try {
      viewer.catalog().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      return viewer.catalogIfReady();
    } catch (TimeoutException e) {
      throw new Unavailable("building", "the index of this store's explanations is being built");
    } catch (ExecutionException e) {
      if (required) {
        throw new Unavailable("failed", "this store's explanations could not be indexed");
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("failed", "interrupted");
    }
  }

  /** The activity of one neuron, read from its record (no index needed, so any store). */
  ObjectNode neuron(NeuronId id) {
    ObjectNode node = json.createObjectNode();
    node.set("neuron", ViewerJson.neuron(json, id));
    String key = NeuronFile.COLLATED_ACTIVATIONS.key(id);
    node.put("key", key);
    NeuronActivity activity;
    try {
      ActivationCatalog.FileSummary read = ActivationCatalog.read(store, key, 0);
      if (read.activity() == null) {
        node.put("status", read.problem() == null ? "missing" : "error");
        if (read.problem() != null) {
          node.put("message", key + ": " + read.problem());
        }
        return node;
      }
      activity = read.activity();
    } catch (UncheckedIOException e) {
      node.put("status", "error");
      node.put("message", key + ": the store could not read this file");
      return node;
    }
    node.put("status", "ok");
    putActivity(node, activity);
    node.put("alwaysOn", activity.density() >= NeuronActivity.ALWAYS_ON);
    ArrayNode tokens = node.putArray("tokens");
    for (int i = 0; i < Math.min(TOKENS_SHOWN, activity.tokens().length); i++) {
      tokens
          .addObject()
          .put("token", activity.tokens()[i])
          .put("activation", activity.activations()[i]);
    }
    return node;
  }

  /** Rebuilds the index where records changed (the overview's Refresh asks for both). */
  void refresh() {
    activations.refresh(true);
  }

  private ObjectNode answer(Function<ActivationCatalog, ObjectNode> answer) {
    try {
      ActivationCatalog built = activations();
      ObjectNode node = answer.apply(built);
      if (!node.has("available")) {
        node.put("available", true);
      }
      ArrayNode bad = node.putArray("unreadableRecords");
      built.badFiles().forEach(bad::add);
      return node;
    } catch (Unavailable e) {
      ObjectNode node = json.createObjectNode();
      node.put("available", false);
      node.put("state", e.state());
      node.put("reason", e.getMessage());
      return node;
    }
  }

  private StoreCatalog explanationsIfReady() {
    return viewer.catalogIfReady();
  }

  static void putActivity(ObjectNode node, NeuronActivity activity) {
    ViewerJson.putScore(node, "density", activity.density());
    node.put("sampleTokens", activity.sampleTokens());
    ViewerJson.putScore(node, "maxActivation", activity.maxActivation());
    node.put("dead", activity.dead());
  }

  private void addDensities(ObjectNode node, ActivationCatalog built) {
    if (built == null || !node.has("hits")) {
      return;
    }
    for (var hit : node.get("hits")) {
      NeuronActivity a =
          built.index().get(new NeuronId(hit.get("layer").asInt(), hit.get("neuron").asInt()));
      if (a != null) {
        ViewerJson.putScore((ObjectNode) hit, "density", a.density());
      }
    }
  }

  /** The top explanation of {@code id} and its score, where the explanation catalog has one. */
  static void putExplanation(ObjectNode node, StoreCatalog explained, NeuronId id) {
    Optional<ExplanationEntry> top = explained == null ? Optional.empty() : top(explained, id);
    if (top.isPresent()) {
      node.put("explanation", top.get().explanation());
      ViewerJson.putScore(node, "score", top.get().score());
    } else {
      node.putNull("explanation");
      node.putNull("score");
    }
  }

  /** The first explanation of {@code id}: the catalog's entries are sorted by neuron and rank. */
  static Optional<ExplanationEntry> top(StoreCatalog catalog, NeuronId id) {
    List<ExplanationEntry> entries = catalog.index().entries();
    int lo = 0;
    int hi = entries.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).neuron().compareTo(id) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < entries.size() && entries.get(lo).neuron().equals(id)
        ? Optional.of(entries.get(lo))
        : Optional.empty();
  }
}
