/**
 * The worker process: its configuration ({@link org.neuronexplainer.worker.pipeline.WorkerConfig}),
 * the per-neuron job ({@link org.neuronexplainer.worker.pipeline.ExplainAndScoreHandler}: explain,
 * simulate and score of one neuron in one job, the stage {@code explain-and-score}), its meters
 * ({@link org.neuronexplainer.worker.pipeline.WorkerMetrics}) and the wiring of stage runners
 * ({@link org.neuronexplainer.worker.pipeline.Worker}).
 *
 * <p>Backends: {@link org.neuronexplainer.worker.pipeline.Backends#withoutModels()} for runs that
 * need no LLM; {@link org.neuronexplainer.worker.pipeline.LlmBackends} over the process's one
 * {@code LlmClient} ({@code Worker.startWithLlm}, which owns and closes it and makes its meters the
 * client's listener). Each job gets its backends from {@code Backends.forNeuron}, with its own
 * usage account, whose tokens and cost its success event carries.
 *
 * <p>Idempotence: a neuron's outputs are the run's own explanations file ({@code
 * runs/{runId}/explanations/}), the store's view of it when the run's publish policy lets it
 * replace the view ({@code ExplanationView}: the view's file, then its source), and then the run's
 * done marker, which holds the run's method version. A job whose marker exists with the same
 * version is skipped; a crash before the marker redoes the neuron and writes the same bytes. A
 * missing spec is retryable (a lagging store), a missing or broken NeuronRecord, an unknown
 * backend, too few records for the splits and a cancelled run are permanent. LLM failures ({@link
 * org.neuronexplainer.worker.pipeline.JobFailures}): an outage that outlasted the client's own
 * retries is retryable as a job (a later attempt may find the endpoint back); a rejected request
 * and answers that never parsed are permanent, with the reason.
 *
 * <p>Capture runs: {@link org.neuronexplainer.worker.pipeline.CaptureHandler} (one corpus shard
 * through one layer range; output: one partial per layer), {@code CollateHandler} (one block of one
 * layer's neurons; output: NeuronRecords and token tables, then its explain-and-score jobs, then a
 * marker) and {@code WeightsHandler} (one layer; output: the weight-based files, then a marker).
 * The first capture job of a run cuts the corpus into stored shards ({@code CorpusShards}). The
 * subject model has one owner per process, {@link
 * org.neuronexplainer.worker.pipeline.SubjectModels}: loaded by the first job that needs it and
 * kept. A missing model, a checkpoint or tokenizer that does not load, an unreadable corpus, a
 * layer or neuron the model lacks are permanent (the job's neurons fail with the reason, nothing is
 * written); a failed hub download and a partial not there yet are retryable. Every output is one
 * atomic put, and a job is skipped when its output (the partials, or the marker written last)
 * exists.
 */
package org.neuronexplainer.worker.pipeline;
