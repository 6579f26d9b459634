package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.cli.cluster.ClusterHarness;
import org.neuronexplainer.cli.cluster.NetworkHosts;
import org.neuronexplainer.cli.cluster.PipelineHosts;
import org.neuronexplainer.cli.pipeline.broker.BrokerJars;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;

/**
 * Runs on a real three-broker cluster, each broker, the coordinator and each worker a process on a
 * network host of its own (see {@link ClusterHarness}), with replicated topics (3 replicas, 2 in
 * sync) and a fault injected mid-run: a broker killed, the partition leader's broker killed, a
 * worker or the coordinator cut off the network and restored, a rolling restart of every broker,
 * workers added and removed. Each run of {@value #NEURONS} synthetic neurons with the baseline
 * backends (and one of {@value #LLM_NEURONS} with the LLM backends against a scripted server, a
 * partition leader's broker killed) must succeed with every neuron done once, every result written
 * once and valid by the {@code validate} command; each prints its time, against the unfaulted run's
 * where the class has one at the same pace (the LLM run's unfaulted time is in the testing docs: a
 * second LLM run would add a minute to the class).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultIT {

  static final int NEURONS = 300;
  // Fewer with the scripted LLM, whose calls (served by this process) take most of the time.
  static final int LLM_NEURONS = 100;
  // One job at a time per worker, each write of a result 40 ms longer: a run lasts long enough
  // (some seconds) for a fault to land in its middle on a busy two-core machine.
  private static final Duration PACE = Duration.ofMillis(40);
  // The rolling restart takes three broker restarts, each waited on until its replicas are back
  // in sync: its run (and the unfaulted run it is compared with) goes slower still.
  private static final Duration SLOW_PACE = Duration.ofMillis(150);
  private static final String SESSION_TIMEOUT_MS = "3000";
  private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
  private static final Map<String, Duration> TIMES = new LinkedHashMap<>();
  private static final Map<String, String> BASELINES = new LinkedHashMap<>();

  @TempDir static Path shared;
  private static ClusterHarness cluster;

  @TempDir Path dir;
  private PipelineHosts hosts;

  @BeforeAll
  static void startCluster() throws Exception {
    Path libs = BrokerJars.builtOrSkip();
    ClusterHarness.requireNamespaces();
    cluster = ClusterHarness.start(shared, libs, 3);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
      assertThat(NetworkHosts.leftovers()).as("namespaces and links left behind").isEmpty();
    }
    TIMES.forEach(
        (name, time) -> {
          Duration base = TIMES.get(BASELINES.get(name));
          System.out.printf(
              "cluster run %-24s %6.1f s%s%n",
              name,
              time.toMillis() / 1000.0,
              base == null || BASELINES.get(name).equals(name)
                  ? ""
                  : String.format(
                      " against %.1f s unfaulted (%+.0f%%)",
                      base.toMillis() / 1000.0,
                      100.0 * (time.toMillis() - base.toMillis()) / base.toMillis()));
        });
  }

  /** Every test leaves the cluster whole: its processes gone, links up, all brokers in sync. */
  @AfterEach
  void heal() throws Exception {
    if (hosts != null) {
      hosts.close();
    }
    for (String host : List.of(PipelineHosts.COORDINATOR, ClusterHarness.worker(1))) {
      cluster.network().restore(host);
    }
    for (int node = 1; node <= ClusterHarness.BROKERS; node++) {
      if (!cluster.kafka().running(node)) {
        cluster.kafka().restart(node);
      }
    }
  }

  /** One test's run. */
  record Run(String id, String name, Topics topics, List<NeuronId> neurons, long started) {}

  private Run start(String name, int workers) throws Exception {
    return start(name, workers, PACE, "unfaulted");
  }

  /**
   * Starts the coordinator and {@code workers} paced workers on a fresh store of {@value #NEURONS}
   * neurons, waits until the workers are in their group, and submits the run: its time counts from
   * the submission. {@code baseline} names the unfaulted run it is compared with.
   */
  private Run start(String name, int workers, Duration pace, String baseline) throws Exception {
    return start(name, workers, NEURONS, pace, baseline, Map.of(), "");
  }

  /**
   * As above with {@code count} neurons, the processes given {@code moreEnv} as well and the run's
   * spec {@code specFields} (JSON members, each followed by a comma) besides its id.
   */
  private Run start(
      String name,
      int workers,
      int count,
      Duration pace,
      String baseline,
      Map<String, String> moreEnv,
      String specFields)
      throws Exception {
    BASELINES.put(name, baseline);
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", cluster.kafka().bootstrapServers());
    env.put("KAFKA_TOPIC_PREFIX", name + ".");
    env.put("KAFKA_PARTITIONS", "6");
    env.put("KAFKA_REPLICATION_FACTOR", "3");
    env.put("KAFKA_MIN_INSYNC_REPLICAS", "2");
    env.put("WORKER_RUNNERS", "1");
    env.put("WORKER_MAX_IN_FLIGHT", "1");
    env.put("WORKER_SESSION_TIMEOUT_MS", SESSION_TIMEOUT_MS);
    env.putAll(moreEnv);
    hosts = cluster.pipeline(dir, env);
    List<NeuronId> neurons = SyntheticNeurons.write(new LocalDirectoryStore(hosts.store()), count);
    hosts.startCoordinator();
    Await.until(Duration.ofSeconds(90), "the coordinator ready", hosts::coordinatorReady);
    for (int i = 1; i <= workers; i++) {
      hosts.startWorker(ClusterHarness.worker(i), pace);
    }
    Topics topics = new Topics(name + ".");
    Await.until(
        Duration.ofSeconds(90),
        workers + " workers in their group",
        () -> groupMembers(topics) == workers);
    String runId = "run-" + name;
    long started = System.nanoTime();
    hosts.submit("{" + specFields + "\"runId\":\"" + runId + "\",\"maxAttempts\":3}");
    return new Run(runId, name, topics, neurons, started);
  }

  private int done(Run run) {
    JsonNode view = hosts.view(run.id());
    return view == null ? -1 : view.path("progress").path("states").path("done").asInt(0);
  }

  /** Waits until {@code atLeast} neurons are done, and checks the run is not over. */
  private void awaitMidRun(Run run, int atLeast) {
    int now =
        Await.until(
            RUN_LIMIT,
            atLeast + " neurons of " + run.id() + " done",
            () -> done(run),
            n -> n >= atLeast);
    assertThat(now)
        .as("neurons done when the fault comes: the run must still be going")
        .isLessThan(run.neurons().size());
  }

  /** Neurons whose done marker the workers wrote to the store: progress without the coordinator. */
  private int doneMarkers(Run run) {
    LocalDirectoryStore store = new LocalDirectoryStore(hosts.store());
    int n = 0;
    for (NeuronId neuron : run.neurons()) {
      if (store.exists(RunRecords.doneKey(run.id(), neuron))) {
        n++;
      }
    }
    return n;
  }

  /** Waits for the run to finish and checks its state and counts; records its time. */
  private void finish(Run run) {
    JsonNode view;
    try {
      view =
          Await.until(
              RUN_LIMIT,
              run.id() + " to finish",
              () -> hosts.view(run.id()),
              v -> v != null && finished(v.path("status").path("state").asText()));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + hosts.logs(), e);
    }
    Duration time = Duration.ofNanos(System.nanoTime() - run.started());
    TIMES.put(run.name(), time);
    System.out.printf("cluster run %s: %.1f s%n", run.name(), time.toMillis() / 1000.0);
    assertCounts(run, view);
  }

  private void assertCounts(Run run, JsonNode view) {
    int neurons = run.neurons().size();
    assertThat(view.path("status").path("state").asText()).as(hosts.logs()).isEqualTo("succeeded");
    JsonNode states = view.path("progress").path("states");
    assertThat(states.path("done").asInt()).as(states.toString()).isEqualTo(neurons);
    assertThat(states.path("failed").asInt()).as(states.toString()).isZero();
    assertThat(view.path("progress").path("neurons").asInt()).isEqualTo(neurons);
    assertThat(view.path("status").path("neuronCount").asInt()).isEqualTo(neurons);
  }

  private static boolean finished(String state) {
    return Set.of("succeeded", "failed", "cancelled").contains(state);
  }

  private void assertResults(Run run, List<String> workers, String killed) throws Exception {
    new ClusterResults(hosts, run.id(), run.neurons()).assertWrittenOnce(workers, killed, null);
  }

  private static List<String> workers(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      names.add(ClusterHarness.worker(i));
    }
    return names;
  }

  private String jobTopic(Run run) {
    return run.topics().explainAndScore().name();
  }

  private ConsumerGroupDescription group(Run run) throws Exception {
    return group(run.topics());
  }

  private static ConsumerGroupDescription group(Topics topics) throws Exception {
    String id = topics.groupId(Stage.EXPLAIN_AND_SCORE);
    return cluster
        .kafka()
        .admin()
        .describeConsumerGroups(List.of(id))
        .all()
        .get(10, TimeUnit.SECONDS)
        .get(id);
  }

  private int groupMembers(Run run) {
    return groupMembers(run.topics());
  }

  private static int groupMembers(Topics topics) {
    try {
      return group(topics).members().size();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  @Order(1)
  void anUnfaultedRunIsTheBaseline() throws Exception {
    Run run = start("unfaulted", 2);
    finish(run);
    assertResults(run, workers(2), null);
  }

  @Test
  @Order(2)
  void aBrokerKilledMidRun() throws Exception {
    Run run = start("broker-killed", 2);
    awaitMidRun(run, 30);
    // The broker that coordinates the workers' group: the group moves with it.
    int victim = group(run).coordinator().id();
    cluster.kafka().kill(victim);
    finish(run);
    assertResults(run, workers(2), null);
  }

  @Test
  @Order(3)
  void thePartitionLeadersBrokerKilledMidRun() throws Exception {
    Run run = start("leader-killed", 2);
    awaitMidRun(run, 30);
    int leader = cluster.kafka().leaderOf(jobTopic(run), 0);
    assertThat(leader).isPositive();
    cluster.kafka().kill(leader);
    Await.until(
        Duration.ofSeconds(60),
        "a new leader of partition 0",
        () -> cluster.kafka().leaderOf(jobTopic(run), 0),
        l -> l > 0 && l != leader);
    finish(run);
    assertResults(run, workers(2), null);
  }

  @Test
  @Order(4)
  void aWorkerCutOffLongerThanItsSessionHasItsJobsMovedAndItsLateWritesChangeNothing()
      throws Exception {
    Run run = start("worker-cut", 2);
    Await.until(Duration.ofSeconds(60), "both workers in the group", () -> groupMembers(run) == 2);
    awaitMidRun(run, 30);
    cluster.network().cut(ClusterHarness.worker(1));
    // Expelled once its session lapsed: its partitions go to worker-2, which finishes the run.
    Await.until(Duration.ofSeconds(60), "worker-1 out of the group", () -> groupMembers(run) == 1);
    finish(run);
    ClusterResults results = new ClusterResults(hosts, run.id(), run.neurons());
    Map<String, String> finished = results.digests();
    cluster.network().restore(ClusterHarness.worker(1));
    Await.until(Duration.ofSeconds(60), "worker-1 back in the group", () -> groupMembers(run) == 2);
    // What worker-1 sends after it is back (events of jobs it held, commits refused) leaves the
    // finished run, and every result, as it was.
    assertCounts(run, hosts.view(run.id()));
    assertThat(results.digests()).isEqualTo(finished);
    results.assertWrittenOnce(workers(2), null, ClusterHarness.worker(1));
  }

  @Test
  @Order(5)
  void theCoordinatorCutOffAndRestored() throws Exception {
    Run run = start("coordinator-cut", 2);
    awaitMidRun(run, 30);
    cluster.network().cut(PipelineHosts.COORDINATOR);
    // The workers go on without it: every neuron done in the store while it is away.
    Await.until(
        RUN_LIMIT, "every done marker written", () -> doneMarkers(run) == run.neurons().size());
    assertThat(hosts.view(run.id())).as("the coordinator unreachable").isNull();
    cluster.network().restore(PipelineHosts.COORDINATOR);
    finish(run);
    assertResults(run, workers(2), null);
  }

  @Test
  @Order(6)
  void anUnfaultedRunAtTheSlowerPaceIsTheRollingRestartsBaseline() throws Exception {
    Run run = start("unfaulted-slow", 2, SLOW_PACE, "unfaulted-slow");
    finish(run);
    assertResults(run, workers(2), null);
  }

  @Test
  @Order(7)
  void aRollingRestartOfEveryBroker() throws Exception {
    Run run = start("rolling", 2, SLOW_PACE, "unfaulted-slow");
    awaitMidRun(run, 10);
    List<String> topics =
        List.of(jobTopic(run), run.topics().events().name(), "__consumer_offsets");
    for (int node = 1; node <= ClusterHarness.BROKERS; node++) {
      int done = done(run);
      System.out.printf("rolling restart: stopping kafka-%d with %d neurons done%n", node, done);
      assertThat(done).as("neurons done as kafka-" + node + " stops").isBetween(0, NEURONS - 1);
      cluster.kafka().stop(node);
      cluster.kafka().restart(node);
      cluster.kafka().awaitFullyInSync(topics, Duration.ofSeconds(90));
    }
    finish(run);
    assertResults(run, workers(2), null);
  }

  /**
   * The LLM-backed explainer and simulator against a scripted OpenAI-compatible server that the
   * test runs on the bridge's address, where the workers' hosts reach it.
   */
  private Run startWithScriptedLlm(String name, ScriptedLlmServer llm) throws Exception {
    return start(
        name,
        2,
        LLM_NEURONS,
        Duration.ZERO, // the LLM's calls are the pace
        name, // no unfaulted LLM run in the class to compare with
        // A call the scripted server never answers (it runs in this busy process) costs 10 s and
        // a retry, not a real endpoint's 120 s.
        Map.of(
            "LLM_BASE_URL",
            llm.root() + "/v1",
            "LLM_MODEL",
            "m",
            "LLM_API_KEY",
            "scripted",
            "LLM_TIMEOUT_SECONDS",
            "10"),
        "\"explainer\":\"token-activation-pair\",\"simulator\":\"json\",\"llmModel\":\"m\",");
  }

  @Test
  @Order(9)
  void thePartitionLeadersBrokerKilledMidRunWithTheScriptedLlm() throws Exception {
    try (ScriptedLlmServer llm =
        new ScriptedLlmServer(InetAddress.getByName(NetworkHosts.BRIDGE))
            .withoutRecording()
            .otherwise(new ScriptedModel())) {
      Run run = startWithScriptedLlm("llm-leader-killed", llm);
      awaitMidRun(run, 30);
      int leader = cluster.kafka().leaderOf(jobTopic(run), 0);
      assertThat(leader).isPositive();
      cluster.kafka().kill(leader);
      finish(run);
      assertResults(run, workers(2), null);
    }
  }

  @Test
  @Order(8)
  void workersAddedAndRemovedMidRun() throws Exception {
    Run run = start("rebalances", 2);
    awaitMidRun(run, 30);
    hosts.startWorker(ClusterHarness.worker(3), PACE);
    Await.until(Duration.ofSeconds(60), "worker-3 in the group", () -> groupMembers(run) == 3);
    awaitMidRun(run, 120);
    hosts.stop(ClusterHarness.worker(1), false); // SIGTERM: hands its jobs back
    awaitMidRun(run, 180);
    hosts.stop(ClusterHarness.worker(2), true); // SIGKILL: its jobs move after its session
    finish(run);
    assertResults(run, workers(3), ClusterHarness.worker(2));
  }
}
