package org.neuronexplainer.worker.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.neuronexplainer.common.kafka.StageHandler;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.WeightsJob;
import org.neuronexplainer.common.run.CaptureKeys;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import org.neuronexplainer.worker.capture.weights.WeightSummaries;

/**
 * The weights job: the weight-based token summaries and related neurons (docs/method.md 11) of one
 * layer, from the process's model; then a marker ({@code runs/{run}/weights/...}) that makes a
 * redelivery a skip.
 */
final class WeightsHandler implements StageHandler<WeightsJob> {

  private final BlobStore store;
  private final RunSpecs specs;
  private final SubjectModels models;

  WeightsHandler(RunRecords records, SubjectModels models) {
    this.store = records.store();
    this.specs = new RunSpecs(records, System::currentTimeMillis);
    this.models = models;
  }

  @Override
  public boolean outputExists(WeightsJob job) {
    return store.exists(CaptureKeys.weighed(job.header().runId(), job.block()));
  }

  @Override
  public JobMetrics run(WeightsJob job) {
    String runId = job.header().runId();
    specs.requireActive(runId);
    CaptureRun capture = CaptureHandler.capture(specs.spec(runId));
    Path dir = models.directory(capture.model());
    SubjectTokenizer tokenizer = models.tokenizer(dir);
    int layer = job.block().layer();
    int written =
        models.use(
            dir,
            capture.precision(),
            model -> {
              if (layer >= model.config().layers()) {
                throw new PermanentException(
                    "layer "
                        + layer
                        + " does not exist: the model has layers 0.."
                        + (model.config().layers() - 1));
              }
              return WeightSummaries.write(
                  model, tokenizer, new int[] {layer}, capture.weightsTop(), store);
            });
    store.put(
        CaptureKeys.weighed(runId, job.block()),
        ("{\"neurons\":" + written + "}").getBytes(StandardCharsets.UTF_8));
    return JobMetrics.NONE;
  }
}
