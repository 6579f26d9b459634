package org.neuronexplainer.cli.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.coordinator.runs.RunPlanner;
import org.neuronexplainer.worker.estimate.RunEstimator;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;
import org.neuronexplainer.worker.texts.PromptInputs;

/**
 * {@code run --dry-run}: the calls, tokens and price of a run over the store's NeuronRecords,
 * counted from the requests its workers would build, with no broker, no coordinator and nothing
 * sent. {@code submit --dry-run} prints the coordinator's count the same way.
 */
final class DryRun {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DryRun() {}

  /**
   * Counts the run, shows progress on {@code err} over many neurons, and prints the estimate to
   * {@code out}: as text, or as one JSON object with {@code json}.
   */
  static RunEstimate print(
      RunSpec spec,
      PromptInputs inputs,
      BlobStore store,
      LlmConfig llm,
      int allAtOnceMaxTokens,
      boolean json,
      PrintStream out,
      PrintStream err) {
    if (spec.captures()) {
      throw new UserException(
          "--dry-run counts the requests built from a run's NeuronRecords, which a capture run"
              + " has only once it has captured them: capture first (capture, collate), then"
              + " run --dry-run over that store",
          2);
    }
    RunEstimate estimate = estimate(spec, inputs, store, llm, allAtOnceMaxTokens, err);
    print(spec, spec.runId(), estimate, json, out);
    return estimate;
  }

  static RunEstimate estimate(
      RunSpec spec,
      PromptInputs inputs,
      BlobStore store,
      LlmConfig llm,
      int allAtOnceMaxTokens,
      PrintStream err) {
    List<NeuronId> plan;
    RunEstimator.Tally tally;
    try {
      plan = new RunPlanner(store).plan(spec);
      tally = new RunEstimator(llm, allAtOnceMaxTokens).tally(spec, inputs);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), 2);
    }
    try {
      return count(tally, plan, store, new ProgressView(err, System.console() != null));
    } catch (IllegalStateException e) {
      throw new UserException(e.getMessage(), 1);
    }
  }

  /**
   * Adds each planned neuron's NeuronRecord to {@code tally}, showing progress on {@code progress}
   * (null for none).
   *
   * @throws IllegalStateException naming the neuron whose record is missing or cannot be counted
   */
  static RunEstimate count(
      RunEstimator.Tally tally, List<NeuronId> plan, BlobStore store, ProgressView progress) {
    StoreNeuronRecords records = new StoreNeuronRecords(store);
    long start = System.nanoTime();
    for (int i = 0; i < plan.size(); i++) {
      NeuronId neuron = plan.get(i);
      NeuronRecord record;
      try {
        record = records.record(neuron).orElse(null);
        if (record != null) {
          tally.add(record);
        }
      } catch (RuntimeException e) {
        throw new IllegalStateException("neuron " + neuron + ": " + e.getMessage(), e);
      }
      if (record == null) {
        throw new IllegalStateException("no NeuronRecord for " + neuron);
      }
      if (progress != null) {
        progress.counting(i + 1, plan.size(), (System.nanoTime() - start) / 1e9);
      }
    }
    return tally.result();
  }

  /**
   * Prints {@code estimate} as {@code run --dry-run} does: as text, or as one JSON object with
   * {@code json}.
   *
   * @param runId the run's id, or null for a run the coordinator is to name
   */
  static void print(
      RunSpec spec, String runId, RunEstimate estimate, boolean json, PrintStream out) {
    if (json) {
      try {
        out.println(JSON.writeValueAsString(estimate));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("an estimate is always writable", e);
      }
    } else {
      printText(out, spec, runId, estimate);
    }
    out.flush();
  }

  private static void printText(PrintStream out, RunSpec spec, String runId, RunEstimate e) {
    out.printf(
        Locale.ROOT,
        "dry run of %s: %d neuron%s, explainer %s, simulator %s, calibration %s%n",
        runId == null ? "a new run" : runId,
        e.neurons(),
        e.neurons() == 1 ? "" : "s",
        spec.explainer(),
        spec.simulator(),
        spec.calibration());
    out.printf(
        Locale.ROOT,
        "calls: %d (%d explanation, %d simulation%s)%s%n",
        e.calls(),
        e.explanationCalls(),
        e.simulationCalls(),
        e.calls() == e.explanationCalls() + e.simulationCalls()
            ? ""
            : ", " + (e.calls() - e.explanationCalls() - e.simulationCalls()) + " classification",
        e.model() == null ? "" : " to " + e.model());
    if (e.model() != null) {
      out.printf(
          Locale.ROOT,
          "tokens: %d prompt (%s, %s), at most %d completion%n",
          e.promptTokens(),
          e.tokenizer(),
          e.exact() ? "exact" : "see the assumptions below",
          e.completionTokens());
    }
    for (RunEstimate.Scorer scorer : e.scorers()) {
      if (e.scorers().size() > 1 || scorer.calls() > 0) {
        out.printf(
            Locale.ROOT,
            "  %s: %d calls, %d prompt tokens, at most %d completion%n",
            scorer.scorer(),
            scorer.calls(),
            scorer.promptTokens(),
            scorer.completionTokens());
      }
    }
    if (e.costUsd() == null) {
      out.println("price: unknown (set LLM_PRICES, e.g. LLM_PRICES=" + e.model() + "=2.5:10)");
    } else {
      out.printf(
          Locale.ROOT,
          "price: $%.4f sent one by one, $%.4f through the batch API%n",
          e.costUsd(),
          e.batchCostUsd());
    }
    RunEstimate.Revisions revisions = e.revisions();
    if (revisions != null) {
      out.printf(
          Locale.ROOT,
          "revision: up to %d round%s, each about one explanation's scoring plus one explainer"
              + " call: at most %d calls, %d prompt tokens, %d completion more%s%n",
          revisions.rounds(),
          revisions.rounds() == 1 ? "" : "s",
          revisions.calls(),
          revisions.promptTokens(),
          revisions.completionTokens(),
          revisions.costUsd() == null || e.model() == null
              ? ""
              : String.format(Locale.ROOT, " ($%.4f)", revisions.costUsd()));
    }
    if (spec.budgetUsd() != null) {
      out.printf(Locale.ROOT, "budget: $%.4f%n", spec.budgetUsd());
    }
    for (String assumption : e.assumptions()) {
      out.println("assumed: " + assumption);
    }
    out.println("nothing was sent and no run was started");
  }
}
