// One run: what produced its scores (backends, model, escaping and the prompts' recorded files),
// progress per state and per stage, throughput, ETA, tokens and cost, a batch run's batches (as
// the batcher last counted them; its cost is at batch prices), the failed neurons with their
// reasons (without a coordinator: as its failures file has them), the run's own results (from its
// folder under runs/, never from the store's explanations view), and (with the coordinator's API
// token) re-queue and cancel. Refreshes itself while the
// run is running. The token lives in this tab's sessionStorage and travels only in the
// Authorization header, never in an address.
"use strict";

const REFRESH_MILLIS = 2000;
const RESULTS_MILLIS = 10000; // a run's results are read at most this often while it runs
const TOKEN_KEY = "neuron-viewer.api-token";
const STATE_ORDER = ["done", "skipped", "explaining", "collating", "capturing", "pending", "failed"];
const WORKING = new Set(["capturing", "collating", "explaining"]);
// Shown only when some neuron is in them: dead latents of an SAE run, skipped.
const RARE = new Set(["skipped"]);

const runId = decodeURIComponent(location.pathname.split("/")[2] || "");
const page = {
  live: false,
  run: null,
  token: null, // set only once the coordinator accepted it
  selected: new Set(),
  timer: null,
  parts: {},
  shown: {}, // what the failures table and the actions show now, so a refresh leaves them alone
};

/** Replaces {@code part}'s content only when {@code key} changed: rows being clicked stay put. */
function replaceIfChanged(name, key, build) {
  if (page.shown[name] === key) return;
  page.shown[name] = key;
  NX.replace(page.parts[name], build());
}

function segmentClass(state) {
  return WORKING.has(state) ? "working" : state;
}

/** A stacked bar: one segment per [label, count, class], widths by share of total. */
function stackedBar(total, segments) {
  const bar = NX.el("div", { class: "stack" });
  for (const [label, count, kind] of segments) {
    if (!count) continue;
    const seg = NX.el("span", { class: "seg " + kind, title: label + ": " + count });
    seg.style.width = (100 * count / Math.max(1, total)) + "%";
    bar.append(seg);
  }
  return bar;
}

function summaryPart(run) {
  const spec = run.spec || {};
  const status = run.status;
  // An SAE run explains latents, kept in the store's saes/NAME/ folder (its own viewer entry).
  const unit = spec.sae ? "latents" : "neurons";
  const lines = [
    ["selection", "layers " + (spec.layers || "all") + ", " + unit + " " + (spec.neurons || "all")],
    [unit, String(status.neuronCount)],
    ["submitted", NX.time(status.createdMillis)],
    ["finished", NX.time(status.finishedMillis)],
  ];
  if (spec.sae) {
    lines.splice(0, 0, ["SAE", spec.sae + " (its dataset: saes/" + spec.sae + "/, a store of its own in the store choice)"]);
  }
  return NX.pane("Run", "run-spec", NX.el("table", { class: "moments" },
    lines.map(([k, v]) => NX.el("tr", {}, NX.el("th", {}, k), NX.el("td", {}, v)))));
}

const INPUTS = [
  ["promptTexts", "prompt texts"],
  ["explainerFewShot", "explainer few-shot"],
  ["simulatorFewShot", "simulator few-shot"],
];

/** A recorded input file: its name and the first 12 hex digits of its hash, linked to the copy. */
function inputCell(input) {
  if (!input || !input.recorded) return NX.el("span", { class: "muted" }, "not recorded");
  const hash = NX.el("code", { title: "sha256 " + input.sha256 }, input.sha256.slice(0, 12));
  const shown = [input.name, " ", hash];
  if (!input.key) return NX.el("span", {}, shown);
  return NX.el("a", { href: NX.withStore("/raw/" + input.key), class: "input-file" }, shown);
}

/** What produced the run's scores: backends, calibration, model, escaping and the prompts' files. */
function methodPart(method) {
  if (!method) return NX.pane("Method", "run-inputs", NX.notice("missing", "This run's spec is not in the store."));
  const rows = [
    ["explainer", method.explainer],
    ["simulator", method.simulator],
    ["calibration", method.calibration],
    ["LLM model", method.llmModel || "none"],
    ...(method.simulatorModel ? [["simulator's model", method.simulatorModel]] : []),
    ["token escaping", method.escapeTokens === undefined ? "not recorded" : method.escapeTokens ? "on" : "off (token text raw)"],
  ].map(([k, v]) => NX.el("tr", {}, NX.el("th", {}, k), NX.el("td", {}, v)));
  for (const [field, label] of INPUTS) {
    rows.push(NX.el("tr", { "data-input": field }, NX.el("th", {}, label), NX.el("td", {}, inputCell(method.inputs[field]))));
  }
  return NX.pane("Method", "run-inputs", NX.el("table", { class: "moments" }, rows));
}

function progressPart(run, stages) {
  const p = run.progress;
  const pane = NX.pane("Progress", "progress");
  if (!p) {
    pane.append(NX.notice("missing", "No progress known for this run."));
    return pane;
  }
  // Working states show once a neuron is in them; done, failed and pending always.
  const states = STATE_ORDER.filter((s) => p.states[s] !== undefined && (p.states[s] > 0 || !(WORKING.has(s) || RARE.has(s))));
  pane.append(stackedBar(p.neurons, states.map((s) => [s, p.states[s], segmentClass(s)])));
  pane.append(NX.el("p", { class: "legend", id: "state-counts" },
    states.map((s) => NX.el("span", { class: "key " + segmentClass(s) }, s + " " + p.states[s]))));
  if (!page.live) return pane;
  const table = NX.el("table", { class: "stages", id: "stages" },
    NX.el("tr", {}, ["stage", "", "passed", "working", "failed", "waiting"].map((h) => NX.el("th", {}, h))));
  for (const row of stages) {
    table.append(NX.el("tr", { "data-stage": row.stage },
      NX.el("td", {}, row.stage),
      NX.el("td", { class: "bar-cell" }, stackedBar(row.total, [
        ["passed", row.passed, "done"], ["working", row.working, "working"],
        ["failed", row.failed, "failed"], ["skipped", row.skipped || 0, "skipped"],
        ["waiting", row.waiting, "pending"]])),
      NX.el("td", { "data-count": "passed" }, String(row.passed)),
      NX.el("td", { "data-count": "working" }, String(row.working)),
      NX.el("td", { "data-count": "failed" }, String(row.failed)),
      NX.el("td", { "data-count": "waiting" }, String(row.waiting))));
  }
  pane.append(NX.el("h3", {}, "Per stage"), table);
  return pane;
}

function figuresPart(run) {
  const p = run.progress;
  if (!page.live || !p) return null;
  const cost = "$" + Number(p.costUsd).toFixed(4) + (isBatchRun(run) ? " (at batch prices)" : "");
  const rows = [
    ["throughput", Number(p.throughputPerSecond).toFixed(2) + " neurons/s"],
    ["time left", run.state === "running" ? NX.duration(p.etaSeconds) : "–"],
    ["tokens", p.promptTokens + " prompt (" + p.cachedPromptTokens + " cached), " + p.completionTokens + " completion"],
    ["cost", cost],
    ["mean score", NX.score(p.meanScore)],
    ...scorerRows(run),
  ];
  return NX.pane("Figures", "figures", NX.el("table", { class: "moments" },
    rows.map(([k, v, scorer]) => NX.el("tr", scorer ? { "data-scorer": scorer } : {}, NX.el("th", {}, k), NX.el("td", {}, v)))));
}

/**
 * A run with classification scorers: the mean over its done neurons of each classification
 * scorer's score (a neuron's mean balanced accuracy), for the scorers the run has.
 */
function scorerRows(run) {
  const means = (run.progress && run.progress.meanScores) || {};
  const chosen = run.spec && run.spec.scorers ? run.spec.scorers : Object.keys(means);
  return chosen.filter((scorer) => scorer !== "simulation" && scorer in means)
    .map((scorer) => ["mean " + scorer, NX.score(means[scorer]) + " balanced accuracy", scorer]);
}

function isBatchRun(run) {
  return Boolean((run.spec && run.spec.batch) || run.batches);
}

const BATCH_ROWS = [
  ["pendingCalls", "calls pending", "parked by their neurons, waiting for a batch"],
  ["callsInBatches", "calls in batches", "in batches the provider has not finished"],
  ["inProgress", "batches in progress", "sent, not finished"],
  ["completed", "batches completed", "answered"],
  ["failed", "batches failed", "expired, failed or cancelled: their unanswered calls are sent again"],
];

/**
 * A batch run's calls and batches, as the batcher last counted them (null for any other run). Its
 * cost is at the batch price: half the synchronous one unless the prices name batch prices.
 */
function batchesPart(run) {
  if (!isBatchRun(run)) return null;
  const pane = NX.pane("Batches", "batches");
  pane.append(NX.el("p", { class: "muted", id: "batch-prices" },
    "This run's LLM calls go through the provider's Batch API: its cost is at batch prices."));
  const b = run.batches;
  if (!b) {
    pane.append(NX.notice("missing", "The batcher has not counted this run's batches yet."));
    return pane;
  }
  pane.append(NX.el("table", { class: "moments", id: "batch-counts" },
    BATCH_ROWS.map(([field, label, title]) => NX.el("tr", { "data-batch": field, title: title },
      NX.el("th", {}, label), NX.el("td", {}, String(b[field]))))));
  pane.append(NX.el("p", { class: "muted", id: "batches-counted" }, "As the batcher counted them at " + NX.time(b.updatedMillis) + "."));
  return pane;
}

/**
 * The failed neurons: live from the coordinator, or as it last wrote them to the run's failures
 * file ({@code file}, null when it never wrote one).
 */
function failedPart(neurons, file) {
  const pane = NX.pane("Failed neurons", "failed");
  if (!page.live && !file) {
    pane.append(NX.notice("missing", "No failures file was written for this run: which neurons failed, and why, is not on record."));
    return pane;
  }
  if (neurons.length === 0) {
    pane.append(NX.el("p", { class: "muted", id: "no-failures" }, "No neuron has failed."));
    return pane;
  }
  const names = new Set(neurons.map((n) => n.neuron));
  for (const chosen of [...page.selected]) if (!names.has(chosen)) page.selected.delete(chosen);
  const head = ["neuron", "stage", "attempt", "reason"];
  if (page.token) head.unshift("");
  const table = NX.el("table", { class: "layers failures", id: "failures" },
    NX.el("tr", {}, head.map((h) => NX.el("th", {}, h))));
  for (const n of neurons) {
    const [layer, index] = n.neuron.split(":");
    const row = NX.el("tr", { "data-neuron": n.neuron });
    if (page.token) {
      const box = NX.el("input", { type: "checkbox", "aria-label": "select " + n.neuron, checked: page.selected.has(n.neuron) });
      box.addEventListener("change", () => {
        if (box.checked) page.selected.add(n.neuron); else page.selected.delete(n.neuron);
        updateActions();
      });
      row.append(NX.el("td", {}, box));
    }
    row.append(
      NX.el("td", {}, unitLink(layer, index, n.neuron)),
      NX.el("td", {}, n.stage || "–"),
      NX.el("td", {}, String(n.attempt)),
      NX.el("td", { class: "reason" }, n.reason || "(no reason given)"));
    table.append(row);
  }
  pane.append(NX.el("p", { class: "muted", id: "failed-no-score" },
    "A failed neuron has no result and no score from this run; its neuron page names the run its shown explanation, if any, comes from."));
  const count = neurons.length + " failed";
  pane.append(NX.el("p", { class: "muted", id: "failed-count" }, page.live ? count : count + ", as recorded in ",
    page.live ? null : NX.el("a", { href: NX.withStore("/raw/" + file), id: "failures-file" }, file)), table);
  return pane;
}

/**
 * The run's own results, read from its folder under runs/ (not from the store's explanations view,
 * which may show another run's): neuron, top explanation, mean score, and whether the view shows
 * this run's file now.
 */
function resultsPart(results) {
  const pane = NX.pane("Results of this run", "results");
  if (!results) return pane;
  if (!results.listable) {
    pane.append(NX.notice("missing", "This store cannot be listed, so the run's results are not shown here."));
    return pane;
  }
  if (results.total === 0) {
    pane.append(NX.el("p", { class: "muted", id: "no-results" },
      "No results under " + results.folder + " yet. A run from before each run kept its own results wrote them only to the store's explanations/."));
    return pane;
  }
  const table = NX.el("table", { class: "layers results", id: "results-table" },
    NX.el("tr", {}, ["neuron", "explanation", "score", "explanations view"].map((h) => NX.el("th", {}, h))));
  for (const r of results.neurons) {
    const [layer, index] = r.neuron.split(":");
    table.append(NX.el("tr", { "data-neuron": r.neuron },
      NX.el("td", {}, unitLink(layer, index, r.neuron)),
      r.status === "ok"
        ? NX.el("td", {}, NX.el("a", { href: NX.withStore("/raw/" + r.key) }, r.explanation || "(none)"))
        : NX.el("td", { class: "reason" }, r.message || r.status),
      NX.el("td", { "data-score": "" }, NX.score(r.score)),
      NX.el("td", {}, r.inView ? "shows this run's" : NX.el("span", { class: "muted" }, "shows another run's"))));
  }
  const more = results.total > results.neurons.length ? " (the first " + results.neurons.length + " shown)" : "";
  pane.append(NX.el("p", { class: "muted", id: "results-count" }, results.total + " neurons with results under " + results.folder + more), table);
  return pane;
}

// --- the token and the actions -------------------------------------------------------------

async function api(method, path, body) {
  const headers = { Accept: "application/json", Authorization: "Bearer " + (page.token || page.pendingToken) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let answer = null;
  try {
    answer = await response.json();
  } catch (e) {
    // no JSON body: the status says enough
  }
  return { status: response.status, ok: response.ok, body: answer };
}

function message(kind, text) {
  NX.replace(page.parts.message, text ? NX.notice(kind, text) : null);
}

async function useToken(token, fromStorage) {
  page.pendingToken = token;
  let answer;
  try {
    answer = await api("GET", "/api/runs/" + encodeURIComponent(runId));
  } catch (e) {
    message("error", "Cannot reach the coordinator's API: " + e.message);
    return;
  } finally {
    page.pendingToken = null;
  }
  if (answer.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    page.token = null;
    message("error", fromStorage
      ? "The token kept in this tab is no longer accepted (401): enter the coordinator's current API token."
      : "The coordinator refused this token (401 Unauthorized): it is not the coordinator's COORDINATOR_API_TOKEN.");
  } else if (!answer.ok) {
    message("error", "The API answered " + answer.status + ": " + ((answer.body && answer.body.error) || "no reason given"));
    return;
  } else {
    page.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    message(null, null);
  }
  renderAuth();
  await refresh();
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  page.token = null;
  page.selected.clear();
  message("info", "The token was removed from this tab.");
  renderAuth();
  refresh();
}

function renderAuth() {
  const auth = page.parts.auth;
  if (!page.live) {
    // One notice says what a store-only viewer shows and where the rest is.
    NX.replace(auth, NX.runsNotLive());
    return;
  }
  if (page.token) {
    NX.replace(auth, NX.el("p", { class: "muted", id: "token-state" }, "API token accepted (kept in this tab only). ",
      NX.el("button", { type: "button", id: "forget-token", onclick: forgetToken }, "Forget token")));
    return;
  }
  const input = NX.el("input", { type: "password", id: "token", autocomplete: "off", placeholder: "API token", "aria-label": "API token", size: 36 });
  const form = NX.el("form", { id: "token-form", class: "search", onsubmit: (event) => {
    event.preventDefault();
    if (input.value.trim() !== "") useToken(input.value.trim(), false);
  } }, input, NX.el("button", { type: "submit" }, "Use token"));
  NX.replace(auth,
    NX.el("p", { id: "token-needed" }, "Re-queueing failed neurons and cancelling the run need the coordinator's API token " +
      "(COORDINATOR_API_TOKEN). It is kept in this browser tab only and sent in the Authorization header."),
    form);
}

function updateActions() {
  const run = page.run;
  const failed = run && run.progress && run.progress.states.failed ? run.progress.states.failed : 0;
  const key = JSON.stringify([page.token !== null, run && run.state, failed, page.selected.size]);
  replaceIfChanged("actions", key, () => actionButtons(run, failed));
}

function actionButtons(run, failed) {
  if (!page.token || !run) return [];
  const cancelled = run.state === "cancelled";
  const buttons = [];
  if (!cancelled) {
    buttons.push(NX.el("button", { type: "button", id: "requeue-all", disabled: failed === 0, onclick: () => act(() => requeue([])) },
      "Re-queue all failed (" + failed + ")"));
    buttons.push(NX.el("button", { type: "button", id: "requeue-selected", disabled: page.selected.size === 0,
      onclick: () => act(() => requeue([...page.selected])) }, "Re-queue selected (" + page.selected.size + ")"));
  }
  if (run.state === "running") {
    buttons.push(NX.el("button", { type: "button", id: "cancel-run", class: "danger", onclick: () => act(cancelRun) }, "Cancel run"));
  }
  return buttons;
}

/** Runs an action, saying so when the coordinator cannot be reached at all. */
async function act(action) {
  try {
    await action();
  } catch (e) {
    message("error", "Cannot reach the coordinator's API: " + e.message);
  }
}

async function requeue(neurons) {
  const answer = await api("POST", "/api/runs/" + encodeURIComponent(runId) + "/requeue", neurons.length ? { neurons } : {});
  if (answer.status === 401) return tokenLost();
  if (!answer.ok) {
    message("error", "Re-queue refused (" + answer.status + "): " + ((answer.body && answer.body.error) || "no reason given"));
    return;
  }
  const count = answer.body.requeued.length;
  page.selected.clear();
  page.shown.failed = null; // redraw the boxes unticked
  message("info", count === 0 ? "No failed neuron to re-queue." : "Re-queued " + count + (count === 1 ? " neuron." : " neurons."));
  await refresh();
}

async function cancelRun() {
  if (!confirm("Cancel run " + runId + "? Its remaining jobs fail as cancelled.")) return;
  const answer = await api("POST", "/api/runs/" + encodeURIComponent(runId) + "/cancel");
  if (answer.status === 401) return tokenLost();
  if (!answer.ok) {
    message("error", "Cancel refused (" + answer.status + "): " + ((answer.body && answer.body.error) || "no reason given"));
    return;
  }
  message("info", "Run cancelled.");
  await refresh();
}

function tokenLost() {
  sessionStorage.removeItem(TOKEN_KEY);
  page.token = null;
  message("error", "The coordinator no longer accepts the token (401): enter its current API token.");
  renderAuth();
  refresh();
}

// --- loading -----------------------------------------------------------------------------------

/**
 * An SAE run's latents are in the SAE's dataset, which the viewer serves as a store entry of its
 * own: its neuron links go there. Found once, from the store list; null where there is none.
 */
async function findUnitStore(run) {
  if (page.unitStore !== undefined) return;
  page.unitStore = null;
  const sae = run.spec && run.spec.sae;
  if (!sae) return;
  try {
    const info = await NX.fetchJson("/api/viewer/info");
    const entry = (info.stores || []).find((s) => s.sae === sae && s.parent === info.current);
    if (entry) page.unitStore = entry.index;
  } catch (e) {
    // the links stay on this store
  }
}

function unitLink(layer, index, label) {
  if (page.unitStore === null || page.unitStore === undefined) return NX.neuronLink(layer, index, label);
  return NX.el("a", { href: "/neurons/" + layer + "/" + index + "?store=" + page.unitStore }, label || layer + ":" + index);
}

async function refresh() {
  clearTimeout(page.timer);
  const id = encodeURIComponent(runId);
  let answer;
  let failed = [];
  try {
    answer = await NX.fetchJson("/api/viewer/runs/" + id);
    if (answer.live || answer.failures) failed = (await NX.fetchJson("/api/viewer/runs/" + id + "/neurons?state=failed")).neurons;
  } catch (e) {
    NX.replace(page.parts.body, NX.notice("error", e.message));
    page.shown.failed = null;
    NX.replace(page.parts.failed);
    page.timer = setTimeout(refresh, REFRESH_MILLIS * 2);
    return;
  }
  page.run = answer.run;
  const run = answer.run;
  await findUnitStore(run);
  NX.replace(page.parts.state, NX.stateChip(run.state),
    run.state === "running" ? NX.el("span", { class: "muted" }, " updates every " + REFRESH_MILLIS / 1000 + " s") : null);
  NX.replace(page.parts.body, summaryPart(run), methodPart(answer.method), progressPart(run, answer.stages), figuresPart(run), batchesPart(run));
  replaceIfChanged("failed", JSON.stringify([page.token !== null, answer.failures, failed]), () => failedPart(failed, answer.failures));
  await refreshResults(run);
  updateActions();
  if (run.state === "running") page.timer = setTimeout(refresh, REFRESH_MILLIS);
}

/** Reads the run's results again when its state or done count changed, at most every 10 s. */
async function refreshResults(run) {
  const done = run.progress && run.progress.states ? run.progress.states.done : null;
  const key = JSON.stringify([run.state, done]);
  const now = Date.now();
  if (page.resultsKey === key || (page.resultsAt && now - page.resultsAt < RESULTS_MILLIS && run.state === "running")) return;
  page.resultsKey = key;
  page.resultsAt = now;
  try {
    const results = await NX.fetchJson("/api/viewer/runs/" + encodeURIComponent(runId) + "/results");
    NX.replace(page.parts.results, resultsPart(results));
  } catch (e) {
    NX.replace(page.parts.results, NX.pane("Results of this run", "results", NX.notice("error", e.message)));
  }
}

NX.start(async (main) => {
  const answer = await NX.fetchJson("/api/viewer/runs/" + encodeURIComponent(runId));
  page.live = answer.live;
  page.parts.state = NX.el("span", { id: "run-state" });
  page.parts.message = NX.el("div", { id: "message" });
  page.parts.auth = NX.el("div", { id: "auth", class: "pane" });
  page.parts.actions = NX.el("div", { id: "actions", class: "actions" });
  page.parts.body = NX.el("div", { id: "run-body" });
  page.parts.failed = NX.el("div", { id: "run-failures" });
  page.parts.results = NX.el("div", { id: "run-results" });
  NX.replace(main,
    NX.el("div", { class: "title" }, NX.el("h1", {}, "Run " + runId), page.parts.state,
      NX.el("a", { id: "run-export", href: NX.withStore("/api/viewer/export?format=csv&run=" + encodeURIComponent(runId)), download: "" }, "Export CSV")),
    page.parts.auth, page.parts.actions, page.parts.message, page.parts.body, page.parts.failed, page.parts.results);
  renderAuth();
  const kept = page.live ? sessionStorage.getItem(TOKEN_KEY) : null;
  if (kept) await useToken(kept, true);
  else await refresh();
});
