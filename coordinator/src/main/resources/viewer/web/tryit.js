// The neuron page's "Try it on your text" box: the model the viewer was started with runs on a
// text typed in, and the neuron's activation on each token shows as a heat map, with the
// simulator's prediction from the explanation below it where the viewer has an LLM endpoint.
// It sits under the explanation pane once neuron.js has drawn it.
"use strict";

const TryIt = {};

TryIt.neuron = function () {
  const match = location.pathname.match(/^\/neurons\/(\d+)\/(\d+)$/);
  return match ? { layer: Number(match[1]), neuron: Number(match[2]) } : null;
};

/** The first (best) explanation shown in the explanation pane, or null. */
TryIt.explanation = function () {
  const shown = document.querySelector("#explanation .explanation.first .text");
  return shown ? shown.textContent : null;
};

TryIt.post = async function (body) {
  const response = await fetch(NX.withStore("/api/viewer/probe"), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch (e) {
    // No JSON: a proxy's page or a cut connection; said below in plain words.
  }
  if (!response.ok) {
    throw new Error(answer && answer.error ? answer.error : "The viewer did not answer (status " + response.status + "). Try again.");
  }
  return answer;
};

TryIt.pane = function (probe, id) {
  const pane = NX.pane("Try it on your text", "try-it");
  if (!probe.available) {
    pane.append(NX.el("p", { class: "muted how-to" }, probe.reason));
    return pane;
  }
  const input = NX.el("textarea", { id: "try-text", rows: 3, maxlength: probe.maxChars, placeholder: "Type or paste a text for the model to read" });
  const button = NX.el("button", { type: "button", id: "try-run" }, "Run the model");
  const count = NX.el("span", { class: "muted try-count" }, "0 / " + probe.maxChars.toLocaleString("en") + " characters");
  const result = NX.el("div", { class: "try-result" });
  input.addEventListener("input", () => {
    count.textContent = input.value.length.toLocaleString("en") + " / " + probe.maxChars.toLocaleString("en") + " characters";
  });
  button.addEventListener("click", async () => {
    button.disabled = true;
    NX.replace(result, NX.el("p", { class: "muted" }, "Running the model…"));
    try {
      const explanation = TryIt.explanation();
      const reading = await TryIt.post({ layer: id.layer, neuron: id.neuron, text: input.value, explanation: explanation });
      NX.replace(result, TryIt.reading(reading, explanation));
    } catch (e) {
      NX.replace(result, NX.notice("error", e.message));
    } finally {
      button.disabled = false;
    }
  });
  pane.append(
    NX.el("p", { class: "muted legend" }, "Runs " + probe.model + " on your text and shows this neuron's activation on each token."),
    input, NX.el("div", { class: "try-actions" }, button, count), result);
  return pane;
};

/** The heat maps of one reading: real activations, and the prediction or why there is none. */
TryIt.reading = function (reading, explanation) {
  const real = reading.activations;
  const max = Heat.max([real]);
  const peak = real.reduce((best, v, i) => (v !== null && (best < 0 || v > real[best]) ? i : best), -1);
  const box = NX.el("div", { class: "sequence try-reading" });
  box.append(NX.el("p", { class: "muted legend" },
    reading.tokens.length + " tokens; white is 0 or below, full green is the highest here (" + NX.num(max, 2) + ")" +
    (peak >= 0 ? ", on " + JSON.stringify(reading.tokens[peak]) : "") + ". Hover a token for its value."));
  box.append(Heat.tokens(reading.tokens, real, max, { label: "real", name: "activation" }));
  if (reading.predicted) {
    box.append(Heat.tokens(reading.tokens, reading.predicted, 10, { label: "predicted", name: "predicted", hue: "blue" }),
      NX.el("p", { class: "muted legend" }, "Predicted by the simulator from the explanation \u201c" + explanation + "\u201d, on its 0 to 10 scale."));
  } else if (reading.noPrediction) {
    box.append(NX.el("p", { class: "muted no-prediction" }, reading.noPrediction));
  }
  return box;
};

TryIt.start = async function () {
  const id = TryIt.neuron();
  const main = document.getElementById("main");
  if (!id || !main) return;
  let probe;
  try {
    probe = await NX.fetchJson("/api/viewer/probe");
  } catch (e) {
    return; // the rest of the page says what is wrong with the viewer
  }
  const place = () => {
    const explanation = document.getElementById("explanation");
    if (!explanation || document.getElementById("try-it")) return false;
    explanation.after(TryIt.pane(probe, id));
    return true;
  };
  if (place()) return;
  const watch = new MutationObserver(() => {
    if (place()) watch.disconnect();
  });
  watch.observe(main, { childList: true, subtree: true });
};

TryIt.start();
