// The model overview: per layer, neurons explained, mean score, score histogram, best and worst.
"use strict";

function sparkline(histogram) {
  const peak = Math.max(1, ...histogram);
  const chart = NX.el("div", { class: "spark", title: "scores from -1 (left) to 1 (right), bins of 0.1" });
  histogram.forEach((count, i) => {
    const bar = NX.el("span", { class: "bar" + (i >= histogram.length / 2 ? " pos" : ""), title: (-1 + i * 0.1).toFixed(1) + " to " + (-0.9 + i * 0.1).toFixed(1) + ": " + count });
    bar.style.height = (count === 0 ? 0 : 8 + 92 * count / peak) + "%";
    chart.append(bar);
  });
  return chart;
}

function neuronList(entries) {
  return NX.el("ul", { class: "compact" }, entries.map((e) => NX.el("li", {}, NX.neuronLink(e.layer, e.neuron), " ", NX.el("span", { class: "muted" }, NX.score(e.score)), " ", NX.el("span", { class: "ellipsis", title: e.explanation }, e.explanation))));
}

// The index follows the store: the server looks for new or rewritten explanation files at most
// every few seconds while pages are read, and at once when asked with the button.
function indexState(main, info, overview) {
  const button = NX.el("button", { type: "button", id: "refresh-index", onclick: async () => {
    button.disabled = true;
    button.textContent = "Refreshing…";
    try {
      const response = await fetch(NX.withStore("/api/viewer/refresh"), { method: "POST", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("refresh answered " + response.status);
    } catch (e) {
      alert(e.message);
    }
    await render(main, info);
  } }, "Refresh");
  const text = overview.refreshing ? "Looking for new explanations… " : "Index built " + NX.time(overview.builtAt) + ". ";
  return NX.el("p", { class: "muted", id: "index-state" }, text, button);
}

NX.start(render);

/**
 * Which SAE the latents are, and its dead latents (never active over the corpus, so not
 * explained): the count and the first ones the server sends, with the subject record for all.
 */
function subjectPane(info) {
  const s = info && info.subject;
  if (!s) return null;
  const rows = s.kind === "sae-latents"
    ? [["SAE", s.sae], ["architecture", s.saeArchitecture], ["hook", s.hook], ["latents", String(s.width)], ["read from", s.saeSource], ["model", s.model], ["model architecture", s.architecture], ["excerpts captured", String(s.excerpts)]]
    : [["units", "MLP neurons, " + s.width + " per layer"], ["model", s.model], ["architecture", s.architecture], ["excerpts captured", String(s.excerpts)]];
  const pane = NX.pane(s.kind === "sae-latents" ? "Sparse autoencoder" : "Model", "subject-details",
    NX.el("table", { class: "moments" }, rows.filter(([, v]) => v !== null && v !== undefined && v !== "null")
      .map(([k, v]) => NX.el("tr", {}, NX.el("th", {}, k), NX.el("td", {}, v)))));
  if (s.kind !== "sae-latents") return pane;
  const raw = NX.el("a", { class: "raw", href: NX.withStore("/raw/" + s.key) }, "subject record");
  if (s.deadLatentCount === 0) {
    pane.append(NX.el("p", { id: "dead-latents" }, "No dead latents: every latent was active somewhere in the corpus."));
    return pane;
  }
  const shown = s.deadLatents.length < s.deadLatentCount ? " (the first " + s.deadLatents.length + "; all in the " : " (also in the ";
  pane.append(NX.el("p", { id: "dead-latents" },
    NX.plural(s.deadLatentCount, "dead latent") + ", never active over the corpus and not explained" + shown, raw, "): ",
    NX.el("span", { class: "dead-list" }, s.deadLatents.join(", ")), "."));
  return pane;
}

/** The model's size in a sentence, or that this store does not record it. */
function modelSize(info, unit) {
  if (!info || !info.dims) return "The model's size is not recorded in this store (it has no model.json).";
  if (info.subject && info.subject.kind === "sae-latents") return "The SAE has " + NX.plural(info.dims.neuronsPerLayer, "latent") + " at layer " + info.dims.firstLayer + ".";
  return "The model has " + NX.plural(info.dims.layers, "layer") + " of " + NX.plural(info.dims.neuronsPerLayer, unit) + ".";
}

async function render(main, info) {
  const overview = await NX.fetchJson("/api/viewer/overview");
  const unit = NX.unit(info);
  const latents = info && info.subject && info.subject.kind === "sae-latents";
  const intro = NX.el("div", { class: "title" }, NX.el("h1", {}, latents ? "SAE " + info.subject.sae + " overview" : "Model overview"));
  const subject = [NX.subjectLine(info), subjectPane(info)];
  if (!overview.available) {
    const dims = latents && info.dims ? "This SAE has " + info.dims.neuronsPerLayer + " latents at layer " + info.dims.firstLayer + ": jump to one above, or pick a random one."
      : info && info.dims ? "This model has " + info.dims.layers + " layers of " + info.dims.neuronsPerLayer + " " + unit + "s: jump to one above, or pick a random one." : "Jump to a " + unit + " above.";
    NX.replace(main, intro, subject, NX.notice(overview.state === "building" ? "missing" : "info", overview.reason), NX.el("p", {}, dims));
    if (overview.state === "building") setTimeout(() => location.reload(), 5000);
    return;
  }
  const summary = NX.el("p", { class: "summary" }, NX.plural(overview.neurons, unit) + " explained (" + NX.plural(overview.explanations, "explanation") + " in " + NX.plural(overview.files, "file") + "), mean score " + NX.score(overview.meanScore) + ". " + modelSize(info, unit));
  const table = NX.el("table", { class: "layers" },
    NX.el("tr", {}, ["layer", unit + "s", "mean score", "score distribution", "best explained", "worst explained"].map((h) => NX.el("th", {}, h))));
  for (const layer of overview.layers) {
    table.append(NX.el("tr", {},
      NX.el("td", {}, NX.el("a", { class: "layer-link", title: "list, filter and export this layer", href: NX.withStore("/search?minLayer=" + layer.layer + "&maxLayer=" + layer.layer) }, String(layer.layer))),
      NX.el("td", {}, String(layer.neurons)),
      NX.el("td", {}, NX.score(layer.meanScore)),
      NX.el("td", {}, sparkline(layer.histogram)),
      NX.el("td", {}, neuronList(layer.best)),
      NX.el("td", {}, neuronList(layer.worst))));
  }
  const badCount = overview.badFileCount === undefined ? overview.badFiles.length : overview.badFileCount;
  const listed = badCount > overview.badFiles.length ? " (the first " + overview.badFiles.length + " listed)" : "";
  const bad = badCount === 0 ? null : NX.el("details", { class: "notice error", id: "bad-files" },
    NX.el("summary", {}, (badCount === 1 ? "1 file" : badCount + " files") + " could not be read and " + (badCount === 1 ? "is" : "are") + " left out" + listed),
    NX.el("ul", {}, overview.badFiles.map((b) => NX.el("li", {}, b))));
  NX.replace(main, intro, subject, summary, indexState(main, info, overview), bad, table);
  if (overview.refreshing) setTimeout(() => render(main, info).catch((e) => NX.replace(main, NX.notice("error", e.message))), 3000);
}
