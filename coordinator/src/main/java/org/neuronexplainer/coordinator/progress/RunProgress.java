package org.neuronexplainer.coordinator.progress;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's per-neuron state, folded from its stage events. Not thread-safe: {@link ProgressBoard}
 * guards it.
 *
 * <p>Folding rules: a {@code started} event puts the neuron in its stage's working state; a {@code
 * failed} event that will be retried keeps it there (with the reason); one that will not marks it
 * {@code failed}; a {@code succeeded} event of the per-neuron stage ({@code explain-and-score})
 * marks it {@code done}. The newest event wins, which is also what a compacted topic keeps, so a
 * replay after a restart ends in the same state; except that a done neuron stays done, whatever
 * later start or failure of a copy of its job arrives.
 *
 * <p>Capture runs: capture, collate and weights events are about units that cover many neurons (a
 * layer range of one corpus shard, a block of one layer's neurons), folded as {@link UnitProgress}.
 * A neuron's state follows its units until its first per-neuron event: {@code capturing} while
 * capture units of its layer run, {@code failed} when one of them failed for good, {@code pending}
 * once all are done (waiting for collate), then {@code collating}, {@code pending} again once its
 * explain-and-score job is queued. An event of an earlier stage than the neuron's newest never
 * moves it back, since events of different units sit on different partitions and a replay may order
 * them freely.
 */
public final class RunProgress {

  /** Finishing times kept for the throughput estimate. */
  private static final int RATE_WINDOW = 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(RunProgress.class);

  /** At most one log line a minute per run about events outside its plan. */
  private static final long IGNORED_LOG_INTERVAL_NANOS = 60_000_000_000L;

  private final String runId;
  private final Map<String, NeuronProgress> neurons = new HashMap<>();
  private final CaptureUnits units = new CaptureUnits(this::follow);
  private final EnumMap<NeuronState, Integer> counts = new EnumMap<>(NeuronState.class);
  private final ArrayDeque<Long> finishTimes = new ArrayDeque<>();
  private long promptTokens;
  private long completionTokens;
  private long cachedPromptTokens;
  private double costUsd;
  private double scoreSum;
  private int scored;
  private final Map<String, ScorerSum> scorerSums = new HashMap<>();
  private long completed;
  private long ignored;
  private long lastIgnoredLog;

  /** Raised whenever a neuron enters or leaves {@code failed}, or fails again. */
  private long failuresVersion;

  public RunProgress(String runId) {
    this.runId = runId;
    for (NeuronState s : NeuronState.values()) {
      counts.put(s, 0);
    }
  }

  public String runId() {
    return runId;
  }

  /** Adds planned neurons as pending (those already known keep their state). */
  public void plan(List<String> units) {
    for (String unit : units) {
      neuron(unit);
    }
  }

  private NeuronProgress neuron(String unit) {
    return neurons.computeIfAbsent(
        unit,
        u -> {
          counts.merge(NeuronState.PENDING, 1, Integer::sum);
          NeuronProgress n = new NeuronProgress();
          units.index(u, n);
          return n;
        });
  }

  /** Adds the planned units of a capture run's stage (capture, collate or weights) as pending. */
  public void planUnits(Stage stage, List<String> planned) {
    units.plan(stage, planned);
  }

  /** Where a unit stands: {@code pending}, {@code working}, {@code succeeded} or {@code failed}. */
  public String unitState(Stage stage, String unit) {
    return units.state(stage, unit);
  }

  /** The units of a stage that failed for good, for a re-queue. */
  public List<String> failedUnits(Stage stage) {
    return units.failed(stage);
  }

  /**
   * Folds one event; returns true when it made the neuron done for the first time. An event of a
   * neuron or unit outside the run's plan changes nothing: it is counted and logged (at most once a
   * minute per run), so a stray or forged event never moves the run's counts.
   */
  public boolean apply(StageEvent event) {
    boolean planned =
        event.stage() == Stage.EXPLAIN_AND_SCORE
            ? neurons.containsKey(event.unit())
            : units.planned(event.stage(), event.unit());
    if (!planned) {
      ignore(event);
      return false;
    }
    if (event.stage() != Stage.EXPLAIN_AND_SCORE) {
      units.apply(event); // capture, collate and weights units cover many neurons
      return false;
    }
    NeuronProgress n = neuron(event.unit());
    if (n.state == NeuronState.DONE && !(event instanceof StageEvent.Succeeded)) {
      // Done is final within a run (a re-queue takes failed neurons only, a resume the neurons
      // without a result): a late start or failure of a copy of its job (a worker cut off while
      // it held the job, a redelivery) changes nothing.
      return false;
    }
    n.stage = event.stage();
    n.attempt = event.attempt();
    NeuronState next;
    if (event instanceof StageEvent.Failed f) {
      n.reason = f.reason();
      next = f.willRetry() ? NeuronState.working(f.stage()) : NeuronState.FAILED;
    } else if (event instanceof StageEvent.Succeeded ok) {
      if (!ok.skipped() || ok.metrics() != null) {
        // A skipped job (a job published again) did no work: the neuron keeps what it scored.
        setMetrics(n, ok.metrics());
      }
      next = NeuronState.DONE;
      n.reason = null;
    } else {
      next = NeuronState.working(event.stage());
    }
    move(n, next);
    if (next == NeuronState.DONE && !n.everDone) {
      n.everDone = true;
      completed++;
      finishTimes.addLast(event.atMillis());
      if (finishTimes.size() > RATE_WINDOW) {
        finishTimes.removeFirst();
      }
      return true;
    }
    return false;
  }

  private void ignore(StageEvent event) {
    ignored++;
    long now = System.nanoTime();
    if (ignored == 1 || now - lastIgnoredLog >= IGNORED_LOG_INTERVAL_NANOS) {
      LOG.warn(
          "ignoring a {} event of {} {}, which is not in the plan of run {} ({} such events so far)",
          event.getClass().getSimpleName().toLowerCase(Locale.ROOT),
          event.stage().id(),
          event.unit(),
          runId,
          ignored);
      lastIgnoredLog = now;
    }
  }

  /** Events of neurons and units outside the plan, ignored so far. */
  public long ignored() {
    return ignored;
  }

  /** Moves a neuron by an event of a many-neuron unit, unless it has moved past that stage. */
  private void follow(NeuronProgress n, Stage stage, NeuronState next, int attempt, String why) {
    if (n.stage != null && n.stage.ordinal() > stage.ordinal()) {
      return;
    }
    n.stage = stage;
    n.attempt = attempt;
    n.reason = why;
    move(n, next);
  }

  /**
   * Marks failed capture or collate units pending again (a re-queue), before their new events
   * arrive, so that the first of those does not find the others still failed.
   */
  public void requeuedUnits(Stage stage, List<String> requeued) {
    units.requeued(stage, requeued);
  }

  /**
   * Marks neurons {@link NeuronState#SKIPPED} for {@code reason}: they get no explain-and-score
   * job. Later capture and collate events leave them so; a done neuron stays done.
   */
  public void skipped(Collection<String> units, String reason) {
    for (String unit : units) {
      NeuronProgress n = neuron(unit);
      if (n.state == NeuronState.DONE || n.state == NeuronState.SKIPPED) {
        continue;
      }
      n.stage = Stage.EXPLAIN_AND_SCORE;
      n.reason = reason;
      move(n, NeuronState.SKIPPED);
    }
  }

  /** Marks neurons pending again (a re-queue), before their new events arrive. */
  public void requeued(List<String> units) {
    for (String unit : units) {
      NeuronProgress n = neuron(unit);
      n.reason = null;
      move(n, NeuronState.PENDING);
    }
  }

  /**
   * Sets a resumed run's neurons from what the store holds: those with a result {@code done} (with
   * the score their done marker recorded, unless their events are known), the others pending,
   * before the new events arrive. Done neurons set here never count as newly completed.
   *
   * @param done the neurons with a result and their recorded scores (null when undefined)
   */
  public void resumed(Map<String, Double> done, List<String> pending) {
    resumed(done, Map.of(), pending);
  }

  /**
   * {@link #resumed(Map, List)} with the scores by scorer that the done markers of a run with
   * classification scorers recorded ({@code scores}, by neuron; absent for the others).
   */
  public void resumed(
      Map<String, Double> done, Map<String, Map<String, Double>> scores, List<String> pending) {
    done.forEach(
        (unit, score) -> {
          NeuronProgress n = neuron(unit);
          if (n.state == NeuronState.DONE) {
            return;
          }
          if (n.metrics == null) {
            setMetrics(n, new JobMetrics(null, null, null, score, null, scores.get(unit)));
          }
          n.stage = Stage.EXPLAIN_AND_SCORE;
          n.reason = null;
          n.everDone = true;
          move(n, NeuronState.DONE);
        });
    requeued(pending);
  }

  /**
   * Sets a resumed capture run's units of a stage: those whose output the store holds succeeded,
   * the others pending.
   */
  public void resumedUnits(Stage stage, List<String> succeeded, List<String> pending) {
    units.resumed(stage, succeeded, pending);
  }

  private void move(NeuronProgress n, NeuronState next) {
    if (n.state == NeuronState.FAILED || next == NeuronState.FAILED) {
      failuresVersion++;
    }
    counts.merge(n.state, -1, Integer::sum);
    counts.merge(next, 1, Integer::sum);
    n.state = next;
  }

  private void setMetrics(NeuronProgress n, JobMetrics m) {
    if (n.metrics != null) {
      add(n.metrics, -1);
    }
    n.metrics = m;
    if (m != null) {
      add(m, 1);
    }
  }

  private void add(JobMetrics m, int sign) {
    if (m.promptTokens() != null) {
      promptTokens += sign * m.promptTokens();
    }
    if (m.completionTokens() != null) {
      completionTokens += sign * m.completionTokens();
    }
    if (m.cachedPromptTokens() != null) {
      cachedPromptTokens += sign * m.cachedPromptTokens();
    }
    if (m.costUsd() != null) {
      costUsd += sign * m.costUsd();
    }
    if (m.score() != null) {
      scoreSum += sign * m.score();
      scored += sign;
    }
    if (m.scores() != null) {
      m.scores()
          .forEach(
              (scorer, score) -> {
                if (score != null && Double.isFinite(score)) {
                  ScorerSum sum = scorerSums.computeIfAbsent(scorer, k -> new ScorerSum());
                  sum.sum += sign * score;
                  sum.count += sign;
                }
              });
    }
  }

  /** A scorer's defined scores over the done neurons, summed. */
  private static final class ScorerSum {
    double sum;
    int count;
  }

  /**
   * The mean score by scorer over the done neurons with a defined one, in {@link RunSpec#SCORERS}
   * order; null when no neuron reported scores by scorer (a run that scores by simulation only).
   */
  private Map<String, Double> meanScores() {
    if (scorerSums.isEmpty()) {
      return null;
    }
    Map<String, Double> means = new LinkedHashMap<>();
    List<String> order = new ArrayList<>(RunSpec.SCORERS);
    scorerSums.keySet().stream().sorted().filter(k -> !order.contains(k)).forEach(order::add);
    for (String scorer : order) {
      ScorerSum sum = scorerSums.get(scorer);
      if (sum != null) {
        means.put(scorer, sum.count > 0 ? sum.sum / sum.count : null);
      }
    }
    return means;
  }

  public int count(NeuronState state) {
    return counts.get(state);
  }

  public int total() {
    return neurons.size();
  }

  /**
   * True when every neuron is done, failed or skipped, every capture and weights unit succeeded or
   * failed for good, and no collate unit is running: a capture run is not settled while a job that
   * may still fail (or that a re-queue would have to send again) is out.
   */
  public boolean settled() {
    return units.settled(Stage.WEIGHTS)
        && units.settled(Stage.CAPTURE)
        && units.noneWorking(Stage.COLLATE)
        && total() > 0
        && count(NeuronState.DONE) + count(NeuronState.FAILED) + count(NeuronState.SKIPPED)
            == total();
  }

  /** True when a neuron or a weights unit failed for good. */
  public boolean anyFailed() {
    return count(NeuronState.FAILED) > 0 || !failedUnits(Stage.WEIGHTS).isEmpty();
  }

  /** The LLM cost its neurons' events reported, in US dollars. */
  public double costUsd() {
    return costUsd;
  }

  public long completed() {
    return completed;
  }

  /** Neurons finished per second over the recent window, or 0 when too few finished. */
  public double throughput() {
    if (finishTimes.size() < 2) {
      return 0;
    }
    long span = finishTimes.peekLast() - finishTimes.peekFirst();
    return span <= 0 ? 0 : (finishTimes.size() - 1) * 1000.0 / span;
  }

  /** Seconds left at the current throughput; NaN when unknown, 0 when settled. */
  public double etaSeconds() {
    int left =
        total() - count(NeuronState.DONE) - count(NeuronState.FAILED) - count(NeuronState.SKIPPED);
    if (left == 0) {
      return 0;
    }
    double rate = throughput();
    return rate > 0 ? left / rate : Double.NaN;
  }

  public Summary summary() {
    Map<String, Integer> byState = new LinkedHashMap<>();
    counts.forEach((s, c) -> byState.put(s.id(), c));
    Map<String, Integer> byStage = new TreeMap<>();
    for (NeuronProgress n : neurons.values()) {
      if (n.stage != null && n.state != NeuronState.DONE && n.state != NeuronState.PENDING) {
        byStage.merge(n.stage.id() + ":" + n.state.id(), 1, Integer::sum);
      }
    }
    Map<String, Integer> byUnit = units.counts();
    double eta = etaSeconds();
    return new Summary(
        total(),
        byState,
        byStage,
        byUnit,
        throughput(),
        Double.isNaN(eta) ? null : eta,
        promptTokens,
        completionTokens,
        cachedPromptTokens,
        costUsd,
        scored == 0 ? null : scoreSum / scored,
        meanScores());
  }

  /** The neurons in a state (all when null), with their last attempt and reason. */
  public List<NeuronView> neurons(NeuronState state) {
    List<NeuronView> out = new ArrayList<>();
    neurons.forEach(
        (unit, n) -> {
          if (state == null || n.state == state) {
            out.add(
                new NeuronView(
                    unit,
                    n.state.id(),
                    n.stage == null ? null : n.stage.id(),
                    n.attempt,
                    n.reason,
                    n.metrics == null ? null : n.metrics.score()));
          }
        });
    out.sort(Comparator.comparing(NeuronView::neuron, ProgressBoard.UNIT_ORDER));
    return out;
  }

  /** Changes whenever the list of {@link #failures()} may have changed. */
  public long failuresVersion() {
    return failuresVersion;
  }

  /** The neurons failed now, in neuron order, as the run's failures file keeps them. */
  public List<RunFailure> failures() {
    return neurons(NeuronState.FAILED).stream()
        .map(n -> new RunFailure(n.neuron(), n.stage(), n.attempt(), n.reason()))
        .toList();
  }

  /**
   * A run's figures for the API and the CLI.
   *
   * @param stages in-progress and failed neurons per {@code stage:state}
   * @param units a capture run's capture, collate and weights units per {@code stage:state} ({@code
   *     pending}, {@code working}, {@code succeeded}, {@code failed}); empty otherwise
   * @param etaSeconds null when unknown
   * @param meanScore mean over done neurons with a defined score, or null
   * @param meanScores for a run with classification scorers, the mean score by scorer ({@code
   *     simulation}, {@code detection}, {@code fuzzing}: the neurons' mean balanced accuracies)
   *     over the done neurons with a defined one (null for a scorer with none); null for other runs
   */
  public record Summary(
      int neurons,
      Map<String, Integer> states,
      Map<String, Integer> stages,
      Map<String, Integer> units,
      double throughputPerSecond,
      Double etaSeconds,
      long promptTokens,
      long completionTokens,
      long cachedPromptTokens,
      double costUsd,
      Double meanScore,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> meanScores) {

    /** A summary without scores by scorer. */
    public Summary(
        int neurons,
        Map<String, Integer> states,
        Map<String, Integer> stages,
        Map<String, Integer> units,
        double throughputPerSecond,
        Double etaSeconds,
        long promptTokens,
        long completionTokens,
        long cachedPromptTokens,
        double costUsd,
        Double meanScore) {
      this(
          neurons,
          states,
          stages,
          units,
          throughputPerSecond,
          etaSeconds,
          promptTokens,
          completionTokens,
          cachedPromptTokens,
          costUsd,
          meanScore,
          null);
    }
  }

  /** One neuron for {@code GET /api/runs/{id}/neurons}. */
  public record NeuronView(
      String neuron, String state, String stage, int attempt, String reason, Double score) {}
}
