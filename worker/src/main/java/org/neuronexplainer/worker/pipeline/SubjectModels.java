package org.neuronexplainer.worker.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.neuronexplainer.common.hub.HubException;
import org.neuronexplainer.common.hub.HubId;
import org.neuronexplainer.common.hub.HubSaeRef;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.messaging.RetryableException;
import org.neuronexplainer.worker.capture.CheckpointException;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Precision;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.hub.HubModelCache;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsException;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import org.neuronexplainer.worker.capture.tokenizer.TokenizerException;

/**
 * The one owner of a worker's subject model: loaded on the first job that needs it, kept for the
 * next ones, replaced only when a job names another model or precision, closed with the worker.
 * Loading a GPT-2 onto a GPU takes seconds to minutes, so a model per job would cost more than the
 * capture itself. Jobs use it one at a time (the forward pass holds the device). It also keeps each
 * checkpoint's tokenizer, read once, and closes them with the model.
 */
public final class SubjectModels implements AutoCloseable {

  private final HubModelCache hub;
  private final String device;
  private final WorkerMetrics metrics;
  private final Map<Path, SubjectTokenizer> tokenizers = new ConcurrentHashMap<>();
  private SubjectModel model;
  private String loaded;

  /**
   * @param device where the model runs: {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
   */
  public SubjectModels(HubModelCache hub, String device, WorkerMetrics metrics) {
    this.hub = hub;
    this.device = device;
    this.metrics = metrics;
  }

  /**
   * The checkpoint directory of a run's model: a directory as itself, a hub id from the cache
   * (downloaded on first use). A name that is neither fails the job for good; a failed download is
   * retried.
   */
  Path directory(String model) {
    if (Files.isDirectory(Path.of(model))) {
      return Path.of(model);
    }
    if (HubId.parse(model).isEmpty()) {
      throw new PermanentException(
          "capture.model "
              + model
              + ": no such directory, and not a hub id like openai-community/gpt2");
    }
    try {
      return hub.resolve(model);
    } catch (HubException e) {
      throw new RetryableException("capture.model " + model + ": " + e.getMessage(), e);
    }
  }

  /**
   * The directory of a run's SAE: a directory as itself, an SAE on the hub ({@code
   * hf:owner/name/folder}) from the cache (downloaded on first use). A malformed reference fails
   * the job for good; a failed download is retried.
   */
  Path saeDirectory(String sae) {
    if (!HubSaeRef.isRef(sae)) {
      return Path.of(sae);
    }
    HubSaeRef ref;
    try {
      ref = HubSaeRef.parse(sae);
    } catch (IllegalArgumentException e) {
      throw new PermanentException("capture.sae " + sae + ": " + e.getMessage(), e);
    }
    try {
      return hub.download(ref);
    } catch (HubException e) {
      throw new RetryableException("capture.sae " + sae + ": " + e.getMessage(), e);
    }
  }

  /** The tokenizer of a checkpoint directory, read once. */
  SubjectTokenizer tokenizer(Path directory) {
    try {
      return tokenizers.computeIfAbsent(directory, SubjectTokenizer::load);
    } catch (TokenizerException e) {
      throw new PermanentException("the tokenizer of " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} with the model of {@code directory} in {@code precision}, loaded once. */
  synchronized <T> T use(Path directory, String precision, Function<SubjectModel, T> work) {
    String key = directory.toAbsolutePath().normalize() + "|" + precision;
    if (!key.equals(loaded)) {
      closeModel();
      long start = System.nanoTime();
      try {
        model =
            SubjectModel.load(directory, new ComputeOptions(device, Precision.parse(precision)));
      } catch (CheckpointException | SafetensorsException | IllegalArgumentException e) {
        throw new PermanentException("the model in " + directory + ": " + e.getMessage(), e);
      }
      loaded = key;
      metrics.modelLoaded(System.nanoTime() - start);
    }
    return work.apply(model);
  }

  private void closeModel() {
    if (model != null) {
      model.close();
      model = null;
      loaded = null;
    }
  }

  @Override
  public synchronized void close() {
    closeModel();
    // A tokenizer read by the tokenizers library holds native memory too.
    tokenizers.values().forEach(SubjectTokenizer::close);
    tokenizers.clear();
  }
}
