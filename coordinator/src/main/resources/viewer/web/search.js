// Search: by words in explanations (BM25 on the server) or by a token or piece of text the
// neurons fire on (ranked by their activation on it), with layer, score and density filters.
// Everything the page shows (mode, words, filters, page) lives in the address, so a search can be
// linked, reloaded and exported as it is.
"use strict";

const FIELDS = ["mode", "q", "minLayer", "maxLayer", "minScore", "maxScore", "minDensity", "maxDensity", "dead", "page"];
const PER_PAGE = 50;

/** The address of the search with {@code changes} applied (a null value drops the field). */
function searchHref(params, changes) {
  const next = new URLSearchParams(params);
  next.delete("store"); // NX.withStore puts it back
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  return "/search?" + next;
}

NX.start(async (main, info) => {
  const params = new URLSearchParams(location.search);
  const mode = params.get("mode") === "tokens" ? "tokens" : "explanations";
  const byToken = mode === "tokens";
  const inputs = {
    q: NX.el("input", { type: "search", name: "q", id: "q", size: 40,
      placeholder: byToken ? "a token or a piece of text, e.g. Canada" : "words in explanations, e.g. canada" }),
    minLayer: NX.el("input", { type: "number", name: "minLayer", min: 0, placeholder: "from" }),
    maxLayer: NX.el("input", { type: "number", name: "maxLayer", min: 0, placeholder: "to" }),
    minScore: NX.el("input", { type: "number", name: "minScore", step: "0.05", min: -1, max: 1, placeholder: "min" }),
    maxScore: NX.el("input", { type: "number", name: "maxScore", step: "0.05", min: -1, max: 1, placeholder: "max" }),
    minDensity: NX.el("input", { type: "number", name: "minDensity", id: "minDensity", step: "0.01", min: 0, max: 1, placeholder: "min" }),
    maxDensity: NX.el("input", { type: "number", name: "maxDensity", id: "maxDensity", step: "0.01", min: 0, max: 1, placeholder: "max" }),
  };
  for (const f of Object.keys(inputs)) inputs[f].value = params.get(f) || "";
  const modes = NX.el("span", { class: "modes", id: "modes" },
    [["explanations", "by explanation"], ["tokens", "by token or text"]].map(([value, label]) =>
      NX.el("label", {}, NX.el("input", { type: "radio", name: "mode", value: value, checked: mode === value,
        onchange: () => { location.href = NX.withStore(searchHref(params, { mode: value === "explanations" ? null : value, page: null })); } }), " " + label)));
  const quick = NX.el("span", { class: "quick", id: "density-quick" },
    NX.el("a", { id: "only-dead", href: NX.withStore(searchHref(params, { dead: "1", minDensity: null, maxDensity: null, page: null })) }, "dead"), " · ",
    NX.el("a", { id: "only-always-on", href: NX.withStore(searchHref(params, { dead: null, minDensity: "0.99", maxDensity: null, page: null })) }, "always on (≥ 99 %)"),
    params.get("dead") || params.get("minDensity") || params.get("maxDensity")
      ? [" · ", NX.el("a", { id: "any-density", href: NX.withStore(searchHref(params, { dead: null, minDensity: null, maxDensity: null, page: null })) }, "any")] : null);
  const form = NX.el("form", { id: "search-form", class: "search", action: "/search" },
    modes, inputs.q, NX.el("label", {}, "layers ", inputs.minLayer, "–", inputs.maxLayer),
    byToken ? null : NX.el("label", {}, "score ", inputs.minScore, "–", inputs.maxScore),
    NX.el("label", { title: "share of a neuron's sampled tokens on which it is above 0" }, "density ", inputs.minDensity, "–", inputs.maxDensity),
    params.get("dead") ? NX.el("input", { type: "hidden", name: "dead", value: "1" }) : null,
    byToken ? NX.el("input", { type: "hidden", name: "mode", value: "tokens" }) : null,
    NX.storeIndex ? NX.el("input", { type: "hidden", name: "store", value: NX.storeIndex }) : null,
    NX.el("button", { type: "submit" }, "Search"), NX.el("span", { class: "muted" }, " density: "), quick);
  // The radio buttons choose the mode by reloading; the form's own field carries it.
  modes.querySelectorAll("input").forEach((r) => r.removeAttribute("name"));
  const results = NX.el("div", { id: "results" });
  NX.replace(main, NX.el("div", { class: "title" }, NX.el("h1", {}, byToken ? "Find neurons by what they fire on" : "Search explanations"), NX.copyLinkButton()),
    NX.subjectLine(info), form, results);
  const asked = [...params.keys()].some((k) => FIELDS.includes(k) && k !== "mode" && k !== "page");
  if (!asked || (byToken && !params.get("q"))) {
    results.append(NX.el("p", { class: "muted" }, byToken
      ? "A token or a piece of text matches whatever its case and spacing, as whole words, even where the tokenizer splits a word into pieces: it is looked for in the top excerpts around where each neuron fires most, and a single token in the neuron's token tables too. Neurons are ranked by their largest activation on the tokens it covers."
      : "Words match whole words (plurals fold: \"numbers\" finds \"number\"). Leave the words empty to list by score, or pick a density to list dead or always-on neurons."));
    return;
  }
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  const query = new URLSearchParams();
  for (const f of FIELDS) if (f !== "page" && params.get(f)) query.set(f, params.get(f));
  query.set("offset", String((page - 1) * PER_PAGE));
  query.set("limit", String(PER_PAGE));
  const answer = await NX.fetchJson("/api/viewer/find?" + query);
  if (!answer.available) {
    results.append(NX.notice("info", answer.reason));
    if (answer.state === "building") setTimeout(() => location.reload(), 5000);
    return;
  }
  const what = byToken ? " neurons fire on “" + (answer.text || (answer.words || []).join(" ")) + "”" : " matching explanations";
  const first = (page - 1) * PER_PAGE;
  results.append(NX.el("p", { class: "muted", id: "result-count" }, answer.total + what +
    (answer.total > answer.hits.length ? ", " + (first + 1) + " to " + (first + answer.hits.length) + " shown" : "")));
  const exportQuery = new URLSearchParams(query);
  exportQuery.delete("offset");
  exportQuery.delete("limit");
  results.append(NX.el("p", { class: "export", id: "export" }, "Export all " + answer.total + ": ",
    NX.el("a", { id: "export-csv", href: NX.withStore("/api/viewer/export?format=csv&" + exportQuery), download: "" }, "CSV"), " · ",
    NX.el("a", { id: "export-jsonl", href: NX.withStore("/api/viewer/export?format=jsonl&" + exportQuery), download: "" }, "JSON Lines")));
  if (answer.hits.length > 0) {
    results.append(NX.el("p", { class: "muted legend", id: "hit-legend" }, "Each neuron: ",
      byToken ? NX.el("span", { class: "activation-chip" }, "its largest activation on it") : null, byToken ? " " : null,
      NX.el("span", { class: "score-chip" }, "its explanation's score"), " ",
      NX.el("span", { class: "density-chip" }, "its density"), " and its explanation."));
  }
  results.append(NX.el("ol", { class: "hits", start: first + 1 }, answer.hits.map((h) =>
    NX.el("li", { class: "hit" }, NX.neuronLink(h.layer, h.neuron, NX.Unit(info) + " " + h.layer + ":" + h.neuron), " ",
      byToken ? NX.el("span", { class: "activation-chip", title: "largest activation on it" }, NX.num(h.activation, 2)) : null, byToken ? " " : null,
      NX.el("span", { class: "score-chip", title: "explanation score" }, unexplained(h) ? "–" : NX.score(h.score)), " ",
      NX.el("span", { class: "density-chip", title: "density: share of sampled tokens above 0" }, Find.percent(h.density)), " ",
      NX.el("span", { class: "hit-text" }, unexplained(h) ? NX.el("em", { class: "muted" }, "no explanation") : h.explanation)))));
  const pages = Math.ceil(answer.total / PER_PAGE);
  if (pages > 1) {
    results.append(NX.el("nav", { class: "pages", id: "pages" },
      page > 1 ? NX.el("a", { id: "prev-page", href: NX.withStore(searchHref(params, { page: page - 1 === 1 ? null : String(page - 1) })) }, "← previous") : null,
      NX.el("span", { class: "muted" }, " page " + page + " of " + pages + " "),
      page < pages ? NX.el("a", { id: "next-page", href: NX.withStore(searchHref(params, { page: String(page + 1) })) }, "next →") : null));
  }
  if (answer.unreadableRecords && answer.unreadableRecords.length > 0) {
    results.append(NX.el("details", { class: "bad-records" },
      NX.el("summary", {}, answer.unreadableRecords.length === 1 ? "1 record could not be read; it is left out"
        : answer.unreadableRecords.length + " records could not be read; they are left out"),
      NX.el("ul", {}, answer.unreadableRecords.map((r) => NX.el("li", {}, r)))));
  }
});

/** A hit without an explanation (none written, or its file could not be read) has no score to show. */
function unexplained(hit) {
  return hit.explanation === null || hit.explanation === undefined;
}
