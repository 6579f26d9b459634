// The runs of this store: state and progress of each, linked to its run page. Refreshes itself
// while a run is running.
"use strict";

const LIST_REFRESH_MILLIS = 3000;

function runRow(run) {
  const p = run.progress;
  const states = p ? p.states : {};
  const done = states.done || 0;
  const failed = states.failed || 0;
  return NX.el("tr", {},
    NX.el("td", {}, NX.el("a", { href: NX.withStore("/runs/" + encodeURIComponent(run.runId)) }, run.runId)),
    NX.el("td", {}, NX.stateChip(run.state)),
    NX.el("td", {}, String(run.status.neuronCount)),
    NX.el("td", {}, p ? String(done) : "–"),
    NX.el("td", {}, p ? String(failed) : "–"),
    NX.el("td", {}, run.spec ? run.spec.explainer + " / " + run.spec.simulator : "–"),
    NX.el("td", {}, NX.time(run.status.createdMillis)));
}

async function render(main, info) {
  const answer = await NX.fetchJson("/api/viewer/runs");
  const title = NX.el("div", { class: "title" }, NX.el("h1", {}, "Runs"));
  const parts = [title];
  if (!answer.live) parts.push(NX.runsNotLive());
  if (answer.runs.length === 0) {
    parts.push(NX.el("p", { class: "muted", id: "no-runs" }, "No runs in this store yet."));
  } else {
    const table = NX.el("table", { class: "layers", id: "runs" },
      NX.el("tr", {}, ["run", "state", NX.unit(info) + "s", "done", "failed", "explainer / simulator", "submitted"].map((h) => NX.el("th", {}, h))));
    const newestFirst = [...answer.runs].sort((a, b) => b.status.createdMillis - a.status.createdMillis);
    newestFirst.forEach((run) => table.append(runRow(run)));
    parts.push(table);
  }
  NX.replace(main, parts);
  if (answer.live && answer.runs.some((r) => r.state === "running")) {
    setTimeout(() => render(main, info).catch((e) => NX.replace(main, NX.notice("error", e.message))), LIST_REFRESH_MILLIS);
  }
}

NX.start(render);
