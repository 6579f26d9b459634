// Token heat maps: white to green by activation on a scale shared within a pane, the value on
// hover, whitespace and newlines made visible.
"use strict";

const Heat = {};

Heat.colour = function (value, max, hue) {
  const t = max > 0 && value > 0 ? Math.min(1, value / max) : 0;
  const [r, g, b] = hue === "blue" ? [70, 120, 220] : [40, 160, 70];
  const mix = (c) => Math.round(255 + (c - 255) * t);
  return "rgb(" + mix(r) + "," + mix(g) + "," + mix(b) + ")";
};

/** What a token looks like: spaces stay, but a token of only whitespace and line breaks shows. */
Heat.visible = function (token) {
  let text = token.replace(/\t/g, "⇥").replace(/\r/g, "");
  if (text.length > 0 && text.trim().length === 0 && !text.includes("\n")) {
    text = text.replace(/ /g, "␣");
  }
  return text.replace(/\n/g, "↵\n");
};

Heat.max = function (lists) {
  let max = 0;
  for (const values of lists) for (const v of values || []) if (v !== null && v > max) max = v;
  return max;
};

/** One excerpt: tokens coloured by their values; {@code under} colours a bar below each token. */
Heat.tokens = function (tokens, values, max, options) {
  const opts = options || {};
  const row = NX.el("div", { class: "tokens" + (opts.label ? " labelled" : "") });
  if (opts.label) row.append(NX.el("span", { class: "row-label" }, opts.label));
  tokens.forEach((token, i) => {
    const value = values[i];
    const span = NX.el("span", { class: "tok", title: (opts.name || "activation") + " " + NX.num(value, 2) }, Heat.visible(token));
    span.style.backgroundColor = Heat.colour(value, max, opts.hue);
    if (opts.under) {
      const u = opts.under.values[i];
      span.style.borderBottomColor = Heat.colour(u, opts.under.max, "blue");
      span.classList.add("overlaid");
      span.title += " · " + opts.under.name + " " + NX.num(u, 2);
    }
    row.append(span);
  });
  return row;
};

/** A group of records, {@code shown} visible at first and a "show more" toggle for the rest. */
Heat.group = function (title, records, max, shown) {
  const box = NX.el("div", { class: "group" }, NX.el("h3", {}, title, NX.el("span", { class: "muted" }, " (" + records.length + ")")));
  if (records.length === 0) {
    box.append(NX.el("p", { class: "muted" }, "none in this file"));
    return box;
  }
  const list = NX.el("div", { class: "records" });
  const render = (count) => NX.replace(list, records.slice(0, count).map((r) => Heat.tokens(r.tokens, r.activations, max)));
  render(shown);
  box.append(list);
  if (records.length > shown) {
    let open = false;
    const more = NX.el("button", { type: "button", class: "more" }, "show more");
    more.addEventListener("click", () => {
      open = !open;
      render(open ? records.length : shown);
      more.textContent = open ? "show less" : "show more";
    });
    box.append(more);
  }
  return box;
};

/** A histogram of numbers as bars, with the bin edges under it. */
Heat.histogram = function (values, bins) {
  const finite = values.filter((v) => v !== null && Number.isFinite(v));
  if (finite.length === 0) return NX.el("p", { class: "muted" }, "no values");
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const width = (hi - lo) / bins || 1;
  const counts = new Array(bins).fill(0);
  for (const v of finite) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  const peak = Math.max(...counts);
  const chart = NX.el("div", { class: "histogram" });
  counts.forEach((count, i) => {
    const bar = NX.el("span", { class: "bar", title: NX.num(lo + i * width, 2) + " to " + NX.num(lo + (i + 1) * width, 2) + ": " + count });
    // Log height so the long tail of a sparse neuron stays visible next to the spike near 0.
    bar.style.height = (count === 0 ? 0 : 4 + 96 * Math.log1p(count) / Math.log1p(peak)) + "%";
    chart.append(bar);
  });
  return NX.el("div", {}, chart, NX.el("div", { class: "axis muted" }, NX.el("span", {}, NX.num(lo, 2)), NX.el("span", {}, NX.num(hi, 2))));
};
