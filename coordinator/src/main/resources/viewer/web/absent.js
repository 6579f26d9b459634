// The neuron page when there is nothing to show: a neuron the model does not have, or one this
// store holds no file for. Said once, in plain words, with real neurons to go to instead.
"use strict";

/** Renders the page of an absent neuron into main and returns true; false for any other page. */
NX.absentNeuron = function (main, page, info) {
  if (!page.empty || page.dead) return false;
  const id = page.neuron;
  const unit = page.unit || NX.unit(info);
  const Unit = NX.Unit({ unit: unit });
  const name = id.layer + ":" + id.neuron;
  const parts = [NX.el("div", { class: "title" }, NX.el("h1", {}, Unit + " " + name))];
  if (page.exists === false) {
    document.title = "No " + unit + " " + name + " · neuron viewer";
    parts.push(NX.el("p", { class: "notice info", id: "absent" }, page.message));
    parts.push(NX.el("p", { id: "suggestions" }, "Go to ",
      page.suggestions.flatMap((s, i) => [i > 0 ? ", " : null, NX.neuronLink(s.layer, s.neuron, Unit + " " + s.layer + ":" + s.neuron)]),
      ", or pick a random " + unit + " from the header."));
  } else {
    document.title = Unit + " " + name + " · neuron viewer";
    const size = page.exists === null
      ? " This store does not record its model's size (it has no model.json), so whether the model has this " + unit + " is not known."
      : "";
    parts.push(NX.el("p", { class: "notice info", id: "absent" },
      "This store holds nothing for " + unit + " " + name + ": no explanation, no activations and no related tokens or " + unit + "s." + size));
    const nav = [];
    if (page.exists === true && page.prev) nav.push(NX.neuronLink(page.prev.layer, page.prev.neuron, "← " + page.prev.layer + ":" + page.prev.neuron));
    if (page.exists === true && page.next) nav.push(NX.neuronLink(page.next.layer, page.next.neuron, page.next.layer + ":" + page.next.neuron + " →"));
    parts.push(NX.el("p", { id: "suggestions" }, ...nav, nav.length ? "  " : null,
      "The ", NX.el("a", { href: NX.withStore("/") }, "overview"), " lists the " + unit + "s this store explains; ",
      NX.el("a", { href: NX.withStore("/search") }, "search"), " finds them by explanation."));
  }
  NX.replace(main, parts);
  return true;
};
