// The neuron page: explanations (and the run they come from) with their simulation scoring
// details and, where a run wrote them, their detection and fuzzing scores and wrong excerpts and
// the round each came from (the best marked, and why revision stopped);
// activations, distribution, related tokens and related neurons. Each pane comes from its own file
// and says when that file is missing.
"use strict";

const QUANTILE_LABELS = ["[0, 0.5]", "[0.5, 0.9]", "[0.9, 0.99]", "[0.99, 0.999]"];
const TOP_SEQUENCES = 5; // docs/method.md 1.8: the first five scored sequences are the top ones

function fileState(file, what) {
  if (!file) return NX.notice("missing", "No " + what + ".");
  if (file.status === "missing") return NX.notice("missing", "No " + what + " in this store (" + file.key + ").");
  if (file.status === "error") return NX.notice("error", file.message);
  return null;
}

function rawLink(file) {
  return file && file.status !== "missing" ? NX.el("a", { class: "raw", href: NX.withStore("/raw/" + file.key) }, "raw JSON") : null;
}

/**
 * Which run the shown explanations come from, as the store's source record says: the run (linked
 * to its page), its method, when the file was written and by which publish policy, and the run's
 * own copy; or why that is not known.
 */
function sourceLine(source) {
  if (!source || source.status === "none") return null;
  if (source.status === "unrecorded") {
    return NX.el("p", { class: "muted source", id: "explanation-source" }, "Which run wrote this file is not recorded in this store.");
  }
  if (source.status === "error") return NX.notice("error", source.message);
  const run = source.runId
    ? NX.el("a", { href: NX.withStore("/runs/" + encodeURIComponent(source.runId)), class: "source-run" }, source.runId)
    : "an unknown run";
  if (source.status === "stale") {
    return NX.el("p", { class: "notice error source", id: "explanation-source" },
      "The store's record says run ", run, " wrote this file, but the file changed since (another run or a hand edit replaced it): which run it comes from is not known.");
  }
  return NX.el("p", { class: "muted source", id: "explanation-source" },
    "From run ", run,
    " (method ", NX.el("code", {}, source.methodVersion || "not recorded"), "), written ", NX.time(source.writtenMillis),
    source.publish ? " by its publish policy " + source.publish : "",
    ", mean score " + NX.score(source.score) + ". ",
    source.runResults ? NX.el("a", { href: NX.withStore("/raw/" + source.runResults), class: "raw" }, "the run's own copy") : null);
}

function explanationPane(file, source, classifications, roundsFile) {
  const pane = NX.pane("Explanation", "explanation", rawLink(file));
  const problem = fileState(file, "explanations");
  if (problem) return pane.append(problem), pane;
  pane.append(sourceLine(source) || "");
  // A classification file that cannot be read is said once; one that is missing says nothing.
  for (const scorer of SCORERS) {
    const f = classifications[scorer.name];
    if (f && f.status === "error") pane.append(NX.notice("error", f.message));
  }
  const explained = file.data.scored_explanations;
  const rounds = roundsOf(roundsFile, explained);
  if (roundsFile && roundsFile.status === "error") pane.append(NX.notice("error", roundsFile.message));
  if (rounds && rounds.stopped) {
    pane.append(NX.el("p", { class: "muted rounds-stopped", id: "rounds-stopped" }, "Revision stopped early: " + rounds.stopped + "."));
  }
  if (explained.length === 0) pane.append(NX.notice("missing", "The file holds no explanations."));
  explained.forEach((one, index) => {
    const sim = one.scored_simulation;
    pane.append(NX.el("div", { class: "explanation" + (index === 0 ? " first" : "") + (rounds && rounds.best === index ? " best" : "") },
      rounds ? roundLine(rounds, index) : null,
      NX.el("p", { class: "text" }, one.explanation),
      NX.el("p", { class: "score" }, "score ", NX.el("strong", { class: "score-value" }, NX.score(sim.ev_correlation_score)),
        NX.el("span", { class: "muted" }, "  ·  r² " + NX.num(sim.rsquared_score, 2) + "  ·  abs. dev. explained " + NX.num(sim.absolute_dev_explained_score, 2))),
      SCORERS.map((scorer) => classification(scorer, classifications[scorer.name], one.explanation)),
      scoringDetails(sim)));
  });
  return pane;
}

/**
 * The rounds file's data when it describes the explanations shown (docs/method.md 16.3: the same
 * explanations in the same order), else null: a file of other explanations says nothing.
 */
function roundsOf(file, explained) {
  if (!file || file.status !== "ok") return null;
  const listed = file.data.explanations;
  if (listed.length !== explained.length) return null;
  return listed.every((one, i) => one.explanation === explained[i].explanation) ? file.data : null;
}

/** Which round an explanation came from ("round 0", "revision 2 of #1"), and whether it is the best. */
function roundLine(rounds, index) {
  const one = rounds.explanations[index];
  const from = one.revised_from === null || one.revised_from === undefined ? "" : " of #" + (one.revised_from + 1);
  const where = one.round === 0 ? "round 0" : "revision " + one.round + from;
  return NX.el("p", { class: "muted round", "data-round": String(one.round) },
    "#" + (index + 1) + " · " + where,
    rounds.best === index ? NX.el("strong", { class: "best-mark" }, " · best by " + rounds.select_by) : null);
}

/** The classification scorers (docs/method.md 15), as the API names their files, and their labels' words. */
const SCORERS = [
  { name: "detection", yes: "fires", no: "silent" },
  { name: "fuzzing", yes: "highlighting fits", no: "highlighting off" },
];

/**
 * One scorer's line for one explanation: balanced accuracy, F1 and AUROC (a dash where the answers
 * leave one undefined), and the excerpts it got wrong, collapsed. Nothing where the scorer's file
 * is missing or holds no entry for this explanation.
 */
function classification(scorer, file, text) {
  if (!file || file.status !== "ok") return null;
  const scored = file.data.explanations.find((e) => e.explanation === text);
  if (!scored) return null;
  const m = scored.metrics;
  const wrong = scored.excerpts.filter((e) => e.label !== e.answer);
  const box = NX.el("div", { class: "classification " + scorer.name },
    NX.el("p", { class: "score" }, scorer.name + " ",
      NX.el("span", { class: "metric balanced-accuracy" }, "balanced acc. ", NX.el("strong", {}, NX.num(m.balanced_accuracy, 2))),
      NX.el("span", { class: "metric f1" }, "F1 ", NX.el("strong", {}, NX.num(m.f1, 2))),
      NX.el("span", { class: "metric auroc" }, "AUROC ", NX.el("strong", {}, NX.num(m.auroc, 2))),
      NX.el("span", { class: "metric muted" }, m.excerpts + " excerpts")));
  if (wrong.length === 0) return box;
  const details = NX.el("details", { class: "wrong" },
    NX.el("summary", {}, "Excerpts " + scorer.name + " got wrong (" + wrong.length + " of " + m.excerpts + ")"));
  for (const excerpt of wrong) details.append(wrongExcerpt(scorer, excerpt));
  box.append(details);
  return box;
}

/** A wrong excerpt: its tokens (the highlighted ones marked) and what it was against what was answered. */
function wrongExcerpt(scorer, excerpt) {
  const highlighted = new Set(excerpt.highlighted);
  const tokens = NX.el("div", { class: "tokens" },
    excerpt.tokens.map((token, i) => NX.el("span", { class: highlighted.has(i) ? "tok highlighted" : "tok" }, Heat.visible(token))));
  const truth = excerpt.label ? scorer.yes : scorer.no;
  const answer = excerpt.answer ? scorer.yes : scorer.no;
  const probability = excerpt.probability === null ? "" : " (p(yes) " + NX.num(excerpt.probability, 2) + ")";
  return NX.el("div", { class: "sequence wrong-excerpt" },
    NX.el("span", { class: "muted seq-score verdict" },
      (excerpt.label ? "missed: " : "false alarm: ") + truth + ", answered " + answer + probability + " · " + excerpt.source + " " + excerpt.id),
    tokens);
}

function scoringDetails(sim) {
  const sequences = sim.scored_sequence_simulations;
  const details = NX.el("details", { class: "scoring" }, NX.el("summary", {}, "Scoring details (" + sequences.length + " sequences)"));
  const overlay = NX.el("input", { type: "checkbox" });
  const body = NX.el("div");
  const render = () => {
    NX.replace(body,
      sequenceGroup("Top", sequences.slice(0, TOP_SEQUENCES), overlay.checked),
      sequenceGroup("Random", sequences.slice(TOP_SEQUENCES), overlay.checked));
  };
  overlay.addEventListener("change", render);
  details.append(NX.el("label", { class: "toggle" }, overlay, " overlay simulated on real (blue bar under each token)"),
    NX.el("p", { class: "muted legend" }, "Real activations in green, simulated in blue, each on its own scale."), body);
  render();
  return details;
}

function sequenceGroup(title, sequences, overlaid) {
  const box = NX.el("div", { class: "group" }, NX.el("h3", {}, title));
  if (sequences.length === 0) return box.append(NX.el("p", { class: "muted" }, "none")), box;
  const realMax = Heat.max(sequences.map((s) => s.true_activations));
  const simMax = Heat.max(sequences.map((s) => s.simulation.expected_activations));
  for (const s of sequences) {
    const tokens = s.simulation.tokens;
    const real = s.true_activations;
    const simulated = s.simulation.expected_activations;
    const seq = NX.el("div", { class: "sequence" }, NX.el("span", { class: "muted seq-score" }, "correlation " + NX.score(s.ev_correlation_score)));
    if (overlaid) {
      seq.append(Heat.tokens(tokens, real, realMax, { name: "real", under: { values: simulated, max: simMax, name: "simulated" } }));
    } else {
      seq.append(Heat.tokens(tokens, real, realMax, { label: "real", name: "real" }),
        Heat.tokens(tokens, simulated, simMax, { label: "simulated", name: "simulated", hue: "blue" }));
    }
    box.append(seq);
  }
  return box;
}

function activationPanes(file) {
  const activations = NX.pane("Activations", "activations", rawLink(file));
  const distribution = NX.pane("Distribution", "distribution");
  const problem = fileState(file, "collated activations");
  if (problem) {
    activations.append(problem);
    distribution.append(NX.notice("missing", "Needs the collated activations."));
    return [activations, distribution];
  }
  const record = file.data;
  const buckets = record.random_sample_by_quantile || [];
  const all = [record.most_positive_activation_records, ...buckets, record.random_sample].flat();
  const max = Heat.max(all.map((r) => r.activations));
  activations.append(NX.el("p", { class: "muted legend" }, "One colour scale for the whole pane: white is 0 or below, full green is " + NX.num(max, 2) + ". Hover a token for its value."));
  activations.append(Heat.group("Top activating excerpts", record.most_positive_activation_records, max, 4));
  for (let b = Math.min(buckets.length, QUANTILE_LABELS.length) - 1; b >= 0; b--) {
    activations.append(Heat.group("Quantile " + QUANTILE_LABELS[b], buckets[b], max, 1));
  }
  activations.append(Heat.group("Random sample", record.random_sample, max, 2));

  const moments = NX.el("table", { class: "moments" },
    ...[["mean", record.mean], ["variance", record.variance], ["skewness", record.skewness], ["kurtosis", record.kurtosis], ["max (top excerpts)", Heat.max(record.most_positive_activation_records.map((r) => r.activations))]]
      .map(([k, v]) => NX.el("tr", {}, NX.el("th", {}, k), NX.el("td", {}, NX.num(v, 4)))));
  const boundaries = record.quantile_boundaries
    ? NX.el("p", {}, "Quantile boundaries: ", record.quantile_boundaries.map((v) => NX.num(v, 3)).join(" · "))
    : NX.el("p", { class: "muted" }, "No quantile boundaries in this file.");
  distribution.append(moments, boundaries,
    NX.el("h3", {}, "Histogram of the activations in the excerpts above"),
    NX.el("p", { class: "muted legend" }, "Of the stored excerpts only (top ones included), not of the whole corpus; log-scaled bar heights."),
    Heat.histogram(all.flatMap((r) => r.activations), 40));
  return [activations, distribution];
}

function chips(tokens, values, negative, limit) {
  const list = NX.el("div", { class: "chips" });
  tokens.slice(0, limit).forEach((token, i) => {
    if (values[i] === null) return; // undefined (NaN) strengths are skipped, as the original did
    list.append(NX.el("span", { class: "chip" + (negative ? " negative" : ""), title: NX.num(values[i], 3) }, Heat.visible(token)));
  });
  return list;
}

function relatedTokensPane(activationBased, weightBased) {
  const pane = NX.pane("Related tokens", "related-tokens");
  pane.append(NX.el("h3", {}, "Mean-activation-based ", rawLink(activationBased)));
  pane.append(fileState(activationBased, "activation-based token summary")
    || chips(activationBased.data.tokens, activationBased.data.average_activations, false, 100));
  pane.append(NX.el("h3", {}, "Weight-based ", rawLink(weightBased)));
  const problem = fileState(weightBased, "weight-based token summary");
  if (problem) return pane.append(problem), pane;
  for (const [key, label] of [["input_positive", "Input, positive"], ["input_negative", "Input, negative"], ["output_positive", "Output, positive"], ["output_negative", "Output, negative"]]) {
    const side = weightBased.data[key];
    pane.append(NX.el("h4", {}, label), chips(side.tokens, side.strengths, key.endsWith("negative"), 20));
  }
  return pane;
}

function relatedNeuronsPane(file, summaries) {
  const pane = NX.pane("Related neurons", "related-neurons", rawLink(file));
  const problem = fileState(file, "related neurons");
  if (problem) return pane.append(problem), pane;
  for (const [key, label] of [["c_fc", "Upstream (input weights)"], ["c_proj", "Downstream (output weights)"]]) {
    const side = file.data[key];
    pane.append(NX.el("h3", {}, label));
    if (!side) {
      pane.append(NX.el("p", { class: "muted" }, "none (no layer on this side)"));
      continue;
    }
    const cards = NX.el("div", { class: "cards" });
    for (const [names, weights, sign] of [[side.top_positive_neurons, side.top_positive_weights, "positive"], [side.top_negative_neurons, side.top_negative_weights, "negative"]]) {
      names.slice(0, 5).forEach((name, i) => cards.append(neuronCard(name, weights[i], sign, summaries[name])));
    }
    pane.append(cards);
  }
  return pane;
}

function neuronCard(name, weight, sign, summary) {
  const card = NX.el("div", { class: "card " + sign });
  const [layer, neuron] = name.split("_");
  card.append(NX.el("div", {}, NX.neuronLink(layer, neuron, "Neuron " + layer + ":" + neuron), NX.el("span", { class: "muted" }, "  weight " + NX.num(weight, 3))));
  if (!summary || summary.status === "missing") card.append(NX.el("p", { class: "muted" }, "no explanation"));
  else if (summary.status === "error") card.append(NX.el("p", { class: "error" }, summary.message));
  else card.append(NX.el("p", {}, summary.explanation || ""), NX.el("p", { class: "muted" }, "score " + NX.score(summary.score)));
  return card;
}

/** A pane, or where building it fails on data of an unexpected shape, a pane saying so. */
function guarded(title, build) {
  try {
    return build();
  } catch (e) {
    return NX.pane(title, undefined, NX.notice("error", "Cannot show this part: " + e.message));
  }
}

NX.start(async (main, info) => {
  const match = location.pathname.match(/^\/neurons\/(\d+)\/(\d+)$/);
  if (!match) throw new Error("Not a neuron address: " + location.pathname);
  const page = await NX.fetchJson("/api/viewer/neurons/" + match[1] + "/" + match[2]);
  if (NX.absentNeuron(main, page, info)) return;
  const id = page.neuron;
  const Unit = NX.Unit(page.unit ? { unit: page.unit } : info);
  const latents = page.unit === "latent";
  document.title = Unit + " " + id.layer + ":" + id.neuron + " · neuron viewer";
  const f = page.files;
  const nav = NX.el("nav", { class: "prevnext" },
    page.prev ? NX.neuronLink(page.prev.layer, page.prev.neuron, "← " + page.prev.layer + ":" + page.prev.neuron) : null,
    page.next ? NX.neuronLink(page.next.layer, page.next.neuron, page.next.layer + ":" + page.next.neuron + " →") : null);
  // A dead latent was never active over the corpus: capture wrote no record and no run explains it.
  const dead = page.dead
    ? NX.notice("info", "Latent " + id.layer + ":" + id.neuron + " is dead: it was never active over the captured corpus, so it has no record and no explanation.")
    : null;
  NX.replace(main,
    NX.el("div", { class: "title" }, NX.el("h1", {}, Unit + " " + id.layer + ":" + id.neuron), nav),
    NX.subjectLine(info), dead,
    guarded("Explanation", () => explanationPane(f.explanations, page.source, { detection: f.detection, fuzzing: f.fuzzing }, f.rounds)),
    guarded("Activations", () => NX.el("div", {}, ...activationPanes(f.collatedActivations))),
    guarded("Related tokens", () => relatedTokensPane(f.relatedTokensActivationBased, f.relatedTokensWeightBased)),
    // Related neurons come from a model's MLP weights; an SAE's latents have no such file.
    latents && f.relatedNeurons.status === "missing" ? null
      : guarded("Related neurons", () => relatedNeuronsPane(f.relatedNeurons, page.relatedSummaries)));
});
