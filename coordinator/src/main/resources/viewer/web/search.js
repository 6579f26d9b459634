// Search: words in explanations, ranked by BM25 on the server, with layer and score filters.
// The form state lives in the address so a search can be linked and reloaded.
"use strict";

const FIELDS = ["q", "minLayer", "maxLayer", "minScore", "maxScore"];

NX.start(async (main, info) => {
  const params = new URLSearchParams(location.search);
  const inputs = {
    q: NX.el("input", { type: "search", name: "q", id: "q", placeholder: "words in explanations, e.g. canada", size: 40 }),
    minLayer: NX.el("input", { type: "number", name: "minLayer", min: 0, placeholder: "from" }),
    maxLayer: NX.el("input", { type: "number", name: "maxLayer", min: 0, placeholder: "to" }),
    minScore: NX.el("input", { type: "number", name: "minScore", step: "0.05", min: -1, max: 1, placeholder: "min" }),
    maxScore: NX.el("input", { type: "number", name: "maxScore", step: "0.05", min: -1, max: 1, placeholder: "max" }),
  };
  for (const f of FIELDS) inputs[f].value = params.get(f) || "";
  const form = NX.el("form", { id: "search-form", class: "search", action: "/search" },
    inputs.q, NX.el("label", {}, "layers ", inputs.minLayer, "–", inputs.maxLayer),
    NX.el("label", {}, "score ", inputs.minScore, "–", inputs.maxScore),
    NX.storeIndex ? NX.el("input", { type: "hidden", name: "store", value: NX.storeIndex }) : null,
    NX.el("button", { type: "submit" }, "Search"));
  const results = NX.el("div", { id: "results" });
  NX.replace(main, NX.el("div", { class: "title" }, NX.el("h1", {}, "Search explanations")), NX.subjectLine(info), form, results);
  if (![...params.keys()].some((k) => FIELDS.includes(k))) {
    results.append(NX.el("p", { class: "muted" }, "Words match whole words (plurals fold: \"numbers\" finds \"number\"). Leave the words empty to list by score."));
    return;
  }
  const query = new URLSearchParams();
  for (const f of FIELDS) if (inputs[f].value !== "") query.set(f, inputs[f].value);
  query.set("limit", "100");
  const answer = await NX.fetchJson("/api/viewer/search?" + query);
  if (!answer.available) {
    results.append(NX.notice("info", answer.reason));
    if (answer.state === "building") setTimeout(() => location.reload(), 5000);
    return;
  }
  results.append(NX.el("p", { class: "muted", id: "result-count" }, answer.total + " matching explanations" + (answer.total > answer.hits.length ? ", the best " + answer.hits.length + " shown" : "")));
  results.append(NX.el("ol", { class: "hits" }, answer.hits.map((h) =>
    NX.el("li", { class: "hit" }, NX.neuronLink(h.layer, h.neuron, NX.Unit(info) + " " + h.layer + ":" + h.neuron), " ",
      NX.el("span", { class: "score-chip" }, NX.score(h.score)), " ",
      NX.el("span", { class: "hit-text" }, h.explanation)))));
});
