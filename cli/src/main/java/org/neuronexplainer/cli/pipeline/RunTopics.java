package org.neuronexplainer.cli.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.Topic;
import org.neuronexplainer.common.messaging.Topics;

/**
 * A local run's own topics (its prefix ends with the run id) on the shared broker: the jobs left by
 * a stopped run are emptied before it is resumed, so no job of it runs twice, and the topics of a
 * run that {@code run} finished are deleted, so they do not stay on the broker forever.
 */
final class RunTopics {

  private static final long TIMEOUT_SECONDS = 30;

  private RunTopics() {}

  /**
   * Empties the run's job topics that exist (their records up to now are deleted; the events topic
   * is kept, so the coordinator's replay still knows what the run did). What a resume publishes
   * comes after.
   *
   * @return how many jobs were left on them
   */
  static long emptyJobs(KafkaClients clients) throws InterruptedException {
    Topics topics = clients.config().topics();
    try (Admin admin = clients.admin()) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<String> jobs = new ArrayList<>();
      for (Stage stage : Stage.values()) {
        String name = topics.jobs(stage).name();
        if (existing.contains(name)) {
          jobs.add(name);
        }
      }
      if (jobs.isEmpty()) {
        return 0;
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicDescription topic :
          admin
              .describeTopics(jobs)
              .allTopicNames()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .values()) {
        topic
            .partitions()
            .forEach(
                p ->
                    latest.put(
                        new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<TopicPartition, RecordsToDelete> upTo = new HashMap<>();
      long left = 0;
      var ends = admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      var starts =
          admin
              .listOffsets(toSpec(latest.keySet(), OffsetSpec.earliest()))
              .all()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (var end : ends.entrySet()) {
        long from = starts.get(end.getKey()).offset();
        left += end.getValue().offset() - from;
        upTo.put(end.getKey(), RecordsToDelete.beforeOffset(end.getValue().offset()));
      }
      admin.deleteRecords(upTo).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return left;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(
          "could not empty the job topics of the run being resumed: " + cause, cause);
    }
  }

  /**
   * Deletes the run's topics and its workers' consumer groups. Called once its worker has closed; a
   * failure is reported and left, since the run itself is over.
   *
   * @return null when done, else why not
   */
  static String delete(KafkaClients clients) throws InterruptedException {
    Topics topics = clients.config().topics();
    List<String> names = topics.all().stream().map(Topic::name).toList();
    List<String> groups = new ArrayList<>();
    for (Stage stage : Stage.values()) {
      groups.add(topics.groupId(stage));
    }
    try (Admin admin = clients.admin()) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<String> present = names.stream().filter(existing::contains).toList();
      admin.deleteTopics(present).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      try {
        admin.deleteConsumerGroups(groups).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // Groups of stages this run never used do not exist: nothing to delete there.
      }
      return null;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      return String.valueOf(cause.getMessage() != null ? cause.getMessage() : cause);
    }
  }

  private static Map<TopicPartition, OffsetSpec> toSpec(
      Set<TopicPartition> partitions, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> out = new HashMap<>();
    partitions.forEach(p -> out.put(p, spec));
    return out;
  }
}
