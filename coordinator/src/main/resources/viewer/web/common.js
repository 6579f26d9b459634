// Shared helpers. Dataset text is untrusted: every string goes into the page via textContent
// or an attribute, never via innerHTML.
"use strict";

const NX = {};

/** Creates an element; children are nodes or strings (added as text). */
NX.el = function (tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

/** The store chosen in the page (?store=INDEX), carried on every link and request. */
NX.storeIndex = new URLSearchParams(location.search).get("store");

NX.withStore = function (url) {
  if (NX.storeIndex === null || NX.storeIndex === "") return url;
  return url + (url.includes("?") ? "&" : "?") + "store=" + encodeURIComponent(NX.storeIndex);
};

NX.fetchJson = async function (url) {
  const response = await fetch(NX.withStore(url), { headers: { Accept: "application/json" } });
  let body;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error(url + " answered " + response.status + " without JSON");
  }
  if (!response.ok) throw new Error(body.error || url + " answered " + response.status);
  return body;
};

NX.score = function (value) {
  return value === null || value === undefined ? "undefined" : Number(value).toFixed(2);
};

NX.num = function (value, digits) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits ?? 3);
};

NX.neuronHref = (layer, neuron) => NX.withStore("/neurons/" + layer + "/" + neuron);

NX.neuronLink = function (layer, neuron, label) {
  return NX.el("a", { href: NX.neuronHref(layer, neuron) }, label || layer + ":" + neuron);
};

NX.pane = function (title, id, ...children) {
  return NX.el("section", { class: "pane", id: id }, NX.el("h2", { text: title }), ...children);
};

NX.notice = function (kind, text) {
  return NX.el("p", { class: "notice " + kind }, text);
};

NX.replace = function (node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c));
};

/** What one unit of the store is called: "neuron", or "latent" for an SAE's dataset. */
NX.unit = function (info) {
  return (info && info.unit) || "neuron";
};

/** The unit's name with a capital, for titles: "Neuron", "Latent". */
NX.Unit = function (info) {
  const unit = NX.unit(info);
  return unit.charAt(0).toUpperCase() + unit.slice(1);
};

NX.plural = function (count, unit) {
  return count + " " + unit + (count === 1 ? "" : "s");
};

/**
 * What the store's units are, in a line: the SAE (name, architecture, width, dead latents) and
 * the hook and model it reads, or the model and architecture of MLP neurons; null without a
 * subject record.
 */
NX.subjectLine = function (info) {
  const s = info && info.subject;
  if (!s) return null;
  const model = [s.model, s.architecture ? "(" + s.architecture + ")" : null].filter((x) => x).join(" ");
  if (s.kind === "sae-latents") {
    return NX.el("p", { class: "subject", id: "subject" },
      "Latents of the SAE ", NX.el("strong", { class: "sae-name" }, s.sae),
      " (" + [s.saeArchitecture, NX.plural(s.width, "latent"), s.deadLatentCount + " dead"].filter((x) => x).join(", ") + ")",
      " at ", NX.el("code", {}, s.hook), model ? " of " + model : "", ".");
  }
  return NX.el("p", { class: "subject", id: "subject" },
    "MLP neurons" + (model ? " of " + model : "") + ", " + s.width + " per layer.");
};

/** The header: site links, the jump form and the random-unit button. */
NX.header = function (info) {
  const unit = NX.unit(info);
  const layer = NX.el("input", { type: "number", min: 0, name: "layer", placeholder: "layer", "aria-label": "layer", required: true });
  const neuron = NX.el("input", { type: "number", min: 0, name: "neuron", placeholder: unit, "aria-label": unit, required: true });
  if (info && info.dims) {
    layer.min = info.dims.firstLayer || 0;
    layer.max = info.dims.layers - 1;
    neuron.max = info.dims.neuronsPerLayer - 1;
    // An SAE's latents are all at its hook's layer: nothing to choose.
    if (layer.min === layer.max) layer.value = layer.min;
  }
  const jump = NX.el("form", {
    id: "jump",
    onsubmit: (event) => {
      event.preventDefault();
      location.href = NX.neuronHref(layer.value, neuron.value);
    },
  }, layer, neuron, NX.el("button", { type: "submit" }, "Go"));
  const random = NX.el("button", {
    id: "random",
    type: "button",
    onclick: async () => {
      try {
        const picked = await NX.fetchJson("/api/viewer/random");
        location.href = NX.neuronHref(picked.layer, picked.neuron);
      } catch (e) {
        alert(e.message);
      }
    },
  }, "Random " + unit);
  const top = document.getElementById("top");
  NX.replace(top,
    NX.el("a", { class: "brand", href: NX.withStore("/") }, "neuron viewer"),
    NX.el("nav", {}, NX.el("a", { href: NX.withStore("/") }, "Overview"), NX.el("a", { href: NX.withStore("/search") }, "Search"), NX.el("a", { href: NX.withStore("/runs") }, "Runs")),
    jump, random, NX.storePicker(info));
};

/** The store's name, or a choice of stores where the viewer serves several. */
NX.storePicker = function (info) {
  if (!info) return null;
  if (!info.stores || info.stores.length < 2) {
    return NX.el("span", { class: "store muted", title: info.store }, info.store);
  }
  const select = NX.el("select", { id: "store", class: "store", "aria-label": "store" },
    info.stores.map((s) => NX.el("option", { value: s.index, selected: s.index === info.current }, s.label)));
  select.addEventListener("change", () => {
    const params = new URLSearchParams(location.search);
    params.set("store", select.value);
    location.href = location.pathname + "?" + params;
  });
  return select;
};

/** A time as the reader's locale writes it; "–" for 0 or none. */
NX.time = function (millis) {
  return millis ? new Date(millis).toLocaleString() : "–";
};

/** Seconds as "1 h 4 min", "3 min 20 s" or "12 s"; "unknown" when null. */
NX.duration = function (seconds) {
  if (seconds === null || seconds === undefined) return "unknown";
  if (seconds < 1) return "under 1 s";
  const s = Math.round(seconds);
  if (s >= 3600) return Math.floor(s / 3600) + " h " + Math.round((s % 3600) / 60) + " min";
  if (s >= 60) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  return s + " s";
};

// The run pages' shared parts.
NX.runsNotLive = function () {
  return NX.notice("info",
    "This viewer reads the store's run records on its own (serve): each run's recorded state, how many " +
    "neurons are done and which failed, with the reasons the coordinator recorded. Live progress, re-queue " +
    "and cancel are on the viewer that the coordinator serves (bin/neuron-explainer run prints its address).");
};

NX.stateChip = function (state) {
  return NX.el("span", { class: "state-chip state-" + state }, state);
};

NX.start = async function (render) {
  let info = null;
  try {
    info = await NX.fetchJson("/api/viewer/info");
  } catch (e) {
    // The header still works without it; the page reports its own errors.
  }
  NX.header(info);
  const main = document.getElementById("main");
  try {
    await render(main, info);
  } catch (e) {
    NX.replace(main, NX.notice("error", e.message));
  }
};
