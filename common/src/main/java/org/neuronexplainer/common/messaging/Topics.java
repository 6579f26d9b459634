package org.neuronexplainer.common.messaging;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Every topic of the system, declared once, under a configurable prefix (one Kafka cluster can host
 * several deployments). Nothing else spells a topic name.
 */
public final class Topics {

  private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]*");

  private final String prefix;
  private final Topic<CaptureJob> capture;
  private final Topic<CollateJob> collate;
  private final Topic<ExplainAndScoreJob> explainAndScore;
  private final Topic<WeightsJob> weights;
  private final Topic<StageEvent> events;
  private final Topic<DeadLetter> deadLetter;

  /**
   * @param prefix prepended to every name as is (include a trailing separator, e.g. {@code ne.});
   *     letters, digits, '.', '_' and '-' only, as Kafka allows
   */
  public Topics(String prefix) {
    if (prefix == null || !LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix '" + prefix + "' may hold only letters, digits, '.', '_' and '-'");
    }
    this.prefix = prefix;
    capture = jobs(Stage.CAPTURE, CaptureJob.class);
    collate = jobs(Stage.COLLATE, CollateJob.class);
    explainAndScore = jobs(Stage.EXPLAIN_AND_SCORE, ExplainAndScoreJob.class);
    weights = jobs(Stage.WEIGHTS, WeightsJob.class);
    // Compacted: a restarted coordinator rebuilds per-unit state from the newest event per key.
    events = new Topic<>(prefix + "events", StageEvent.class, true);
    deadLetter = new Topic<>(prefix + "dead-letter", DeadLetter.class, false);
  }

  private <J extends Job> Topic<J> jobs(Stage stage, Class<J> type) {
    return new Topic<>(prefix + "jobs." + stage.id(), type, false);
  }

  public String prefix() {
    return prefix;
  }

  public Topic<CaptureJob> capture() {
    return capture;
  }

  public Topic<CollateJob> collate() {
    return collate;
  }

  public Topic<ExplainAndScoreJob> explainAndScore() {
    return explainAndScore;
  }

  public Topic<WeightsJob> weights() {
    return weights;
  }

  /** The job topic of a stage. */
  public Topic<? extends Job> jobs(Stage stage) {
    return switch (stage) {
      case CAPTURE -> capture;
      case COLLATE -> collate;
      case EXPLAIN_AND_SCORE -> explainAndScore;
      case WEIGHTS -> weights;
    };
  }

  /** The job topic a job belongs on. */
  @SuppressWarnings("unchecked") // each stage's topic carries exactly that stage's job record
  public <J extends Job> Topic<J> topicOf(J job) {
    return (Topic<J>) jobs(job.stage());
  }

  public Topic<StageEvent> events() {
    return events;
  }

  public Topic<DeadLetter> deadLetter() {
    return deadLetter;
  }

  /** Every topic, for creating them. */
  public List<Topic<?>> all() {
    return List.of(capture, collate, explainAndScore, weights, events, deadLetter);
  }

  /** The consumer group of a stage's workers: all workers of one stage share the jobs. */
  public String groupId(Stage stage) {
    return prefix + "stage." + stage.id();
  }
}
