// Finding neurons by what they fire on, from the pages that show neurons: a "copy link" button
// for the page's address (which holds all of its state), and on the neuron page the neuron's
// density and a click on any token of a heat map listing the neurons that fire most on it.
"use strict";

const Find = {};

/** A button that copies the page's address; where the browser refuses, the address is shown to copy by hand. */
NX.copyLinkButton = function () {
  const button = NX.el("button", { type: "button", class: "copy-link", id: "copy-link", title: "this view's address, to share or come back to" }, "Copy link");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      button.textContent = "Link copied";
    } catch (e) {
      const field = NX.el("input", { type: "text", class: "link-field", id: "link-field", readonly: true, value: location.href, size: 40 });
      button.replaceWith(field);
      field.select();
    }
  });
  return button;
};

/** A share as a percentage: "33.3 %"; a dash when unknown. */
Find.percent = function (value) {
  return value === null || value === undefined ? "–" : (100 * value).toFixed(value >= 0.1 || value === 0 ? 1 : 2) + " %";
};

Find.searchHref = (token) => NX.withStore("/search?mode=tokens&q=" + encodeURIComponent(token));

/** The token a heat map's span shows, with the marks for whitespace undone. */
Find.tokenOf = function (span) {
  return span.textContent.replace(/↵\n/g, "\n").replace(/⇥/g, "\t").replace(/␣/g, " ");
};

/** The neuron page's density line, for the Distribution pane. */
Find.densityLine = function (activity) {
  if (activity.status === "missing") return null; // the pane already says the record is missing
  if (activity.status === "error") return NX.notice("error", activity.message);
  const box = NX.el("div", { class: "density", id: "density" });
  const badge = activity.dead ? NX.el("span", { class: "state-chip density-dead" }, "dead")
    : activity.alwaysOn ? NX.el("span", { class: "state-chip density-always-on" }, "always on") : null;
  box.append(NX.el("p", {}, "Density ", NX.el("strong", { id: "density-value" }, Find.percent(activity.density)), " ", badge,
    NX.el("span", { class: "muted" }, activity.dead
      ? " — never above 0 in its top excerpts, so never over the whole corpus."
      : " — above 0 on " + Math.round((activity.density || 0) * activity.sampleTokens) + " of the " + activity.sampleTokens + " tokens of its random sample.")));
  if (activity.tokens && activity.tokens.length > 0) {
    box.append(NX.el("p", { class: "strongest" }, NX.el("span", { class: "muted" }, "Fires most on "),
      activity.tokens.slice(0, 8).flatMap((t) => [NX.el("a", { class: "chip", href: Find.searchHref(t.token), title: "largest activation " + NX.num(t.activation, 2) + "; other neurons that fire on it" }, t.token), " "])));
  }
  return box;
};

/** The popover listing the neurons that fire most on {@code token}, next to {@code span}. */
Find.popover = async function (span, token) {
  Find.close();
  const key = token.trim();
  const box = NX.el("div", { class: "token-popover", id: "token-popover", role: "dialog" },
    NX.el("button", { type: "button", class: "close", "aria-label": "close", onclick: Find.close }, "×"),
    NX.el("p", {}, "Neurons that fire most on ", NX.el("code", {}, Heat.visible(token))));
  const rect = span.getBoundingClientRect();
  box.style.left = Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - 380)) + "px";
  box.style.top = window.scrollY + rect.bottom + 6 + "px";
  document.body.append(box);
  if (key === "") {
    box.append(NX.el("p", { class: "muted" }, "A token of only spaces or line breaks is not searched."));
    return;
  }
  const list = NX.el("p", { class: "muted" }, "Looking…");
  box.append(list);
  try {
    const answer = await NX.fetchJson("/api/viewer/find?mode=tokens&limit=8&q=" + encodeURIComponent(key));
    if (!answer.available) {
      list.replaceWith(NX.notice("info", answer.reason));
      return;
    }
    if (answer.hits.length === 0) {
      list.replaceWith(NX.el("p", { class: "muted" }, "No neuron keeps this token among its strongest."));
      return;
    }
    list.replaceWith(NX.el("ol", { class: "popover-hits" }, answer.hits.map((h) => NX.el("li", {},
      NX.neuronLink(h.layer, h.neuron), " ", NX.el("span", { class: "activation-chip" }, NX.num(h.activation, 2)), " ",
      NX.el("span", { class: "muted ellipsis" }, h.explanation || "no explanation")))));
    box.append(NX.el("p", {}, NX.el("a", { id: "popover-all", href: Find.searchHref(key) }, "all " + answer.total + " in the search →")));
  } catch (e) {
    list.replaceWith(NX.notice("error", e.message));
  }
};

Find.close = function () {
  const open = document.getElementById("token-popover");
  if (open) open.remove();
};

Find.onNeuronPage = function () {
  const match = location.pathname.match(/^\/neurons\/(\d+)\/(\d+)$/);
  if (!match) return;
  const main = document.getElementById("main");
  let added = false;
  const whenRendered = async () => {
    const distribution = document.getElementById("distribution");
    const title = main.querySelector(".title");
    if (added || !distribution || !title) return;
    added = true;
    title.append(NX.copyLinkButton());
    try {
      const activity = await NX.fetchJson("/api/viewer/activity/" + match[1] + "/" + match[2]);
      const line = Find.densityLine(activity);
      if (line) distribution.querySelector("h2").after(line);
    } catch (e) {
      distribution.querySelector("h2").after(NX.notice("error", e.message));
    }
    // ?pane=activations (or #activations) opens the page at that pane, once nothing above it moves.
    const pane = new URLSearchParams(location.search).get("pane") || location.hash.slice(1);
    if (pane && document.getElementById(pane)) document.getElementById(pane).scrollIntoView();
    main.dataset.findReady = "true";
  };
  new MutationObserver(whenRendered).observe(main, { childList: true, subtree: true });
  document.addEventListener("click", (event) => {
    const span = event.target.closest(".tokens .tok");
    if (span) {
      Find.popover(span, Find.tokenOf(span));
    } else if (!event.target.closest("#token-popover")) {
      Find.close();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") Find.close();
  });
};

Find.onNeuronPage();
