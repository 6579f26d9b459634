/**
 * The neuron viewer: HTML pages and the JSON API behind them, over any {@link
 * org.neuronexplainer.common.storage.BlobStore} laid out as the public datasets are.
 *
 * <p>Vert.x stays in {@link org.neuronexplainer.coordinator.viewer.ViewerRoutes} and {@link
 * org.neuronexplainer.coordinator.viewer.ViewerServer}; everything else is plain blocking code that
 * the routes run on worker threads. A missing file is reported as missing and a malformed one as an
 * error naming its key, inside a normal JSON answer: one bad file never breaks a page. The search
 * index and the overview are built per store, on first use, from a listing of {@code
 * explanations/}, then kept up to date from later listings (only new, changed or removed files are
 * read; the previous index answers until the next is ready); stores that cannot be listed (the
 * public https containers) say so instead. The run pages read a {@link
 * org.neuronexplainer.coordinator.viewer.RunSource}: the coordinator's live progress where the
 * coordinator serves the viewer, else the store's run records, and list a run's own results from
 * {@code runs/{runId}/explanations/}, never from the view, which may show another run's file. The
 * neuron page names the run the view's explanations come from, from the source recorded beside the
 * view, and says so when the source no longer matches the file. They never change a run (re-queue
 * and cancel go through the token-guarded API). Dataset and run text is untrusted: the pages build
 * the DOM with {@code textContent} only.
 *
 * <p>A store's {@code subject.json} says what its units are; the pages call them neurons or latents
 * from it, and a store without one is shown as a model's neurons. Each SAE dataset of a listable
 * store ({@code saes/{name}/}) is served as a store of its own, after the store that holds it; a
 * malformed subject record leaves that SAE out with a log line, never the viewer.
 *
 * <p>The neuron page's "try it on your text" box runs a {@link
 * org.neuronexplainer.coordinator.viewer.NeuronProbe} that the serving command hands in (this
 * module holds no model), always behind a {@link
 * org.neuronexplainer.coordinator.viewer.BoundedProbe}: text length, a fixed number of texts at
 * once (the next is turned away, never queued) and a wait, each refusal in words the page shows.
 * Whoever starts the server with a probe hands it over: the server closes it.
 */
package org.neuronexplainer.coordinator.viewer;
