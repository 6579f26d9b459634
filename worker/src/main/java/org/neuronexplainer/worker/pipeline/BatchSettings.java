package org.neuronexplainer.worker.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.neuronexplainer.common.config.Env;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.llm.BatchStore;
import org.neuronexplainer.worker.llm.Batcher;
import org.neuronexplainer.worker.llm.LlmConfig;

/**
 * How the batcher of batch runs works, from the environment.
 *
 * @param enabled {@code LLM_BATCHER}, default false: whether this process runs the batcher; exactly
 *     one process of a deployment should ({@code run} does for a batch run)
 * @param round {@code LLM_BATCH_ROUND_SECONDS}, default 60: the pause between rounds (polls and
 *     submissions)
 * @param maxRequestsPerFile {@code LLM_BATCH_MAX_REQUESTS}, default 50,000 (OpenAI's limit; Azure
 *     OpenAI's global batch takes 100,000)
 * @param maxBytesPerFile {@code LLM_BATCH_MAX_BYTES}, default 200 MiB
 * @param maxSends {@code LLM_BATCH_MAX_SENDS}, default 3: how many batches a call is sent in before
 *     it is failed for want of an answer (an expired or failed batch sends its unanswered calls
 *     again)
 */
public record BatchSettings(
    boolean enabled, Duration round, int maxRequestsPerFile, long maxBytesPerFile, int maxSends) {

  public static BatchSettings fromEnv(Map<String, String> vars) {
    Env env = new Env(vars);
    return new BatchSettings(
        env.bool("LLM_BATCHER", false),
        env.seconds("LLM_BATCH_ROUND_SECONDS", Duration.ofSeconds(60), 86_400),
        env.integer("LLM_BATCH_MAX_REQUESTS", 50_000, 1, 1_000_000),
        env.whole("LLM_BATCH_MAX_BYTES", 200L * 1024 * 1024, 1024, 1L << 40),
        env.integer("LLM_BATCH_MAX_SENDS", 3, 1, 100));
  }

  /** The same settings with the batcher on. */
  public BatchSettings enable() {
    return new BatchSettings(true, round, maxRequestsPerFile, maxBytesPerFile, maxSends);
  }

  /** The batcher over {@code store}, re-queueing parked neurons through its run records. */
  public Batcher batcher(LlmConfig llm, BlobStore store) {
    ObjectMapper mapper = new ObjectMapper();
    return new Batcher(
        new BatchStore(store, mapper),
        llm,
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(llm.timeout())
            .build(),
        mapper,
        maxRequestsPerFile,
        maxBytesPerFile,
        maxSends,
        new BatchRequeue(new RunRecords(store), System::currentTimeMillis),
        System::currentTimeMillis);
  }

  /** Its rounds on a thread of their own, or null when this process runs no batcher. */
  public BatchLoop start(LlmConfig llm, BlobStore store) {
    return enabled ? new BatchLoop(batcher(llm, store), round) : null;
  }
}
