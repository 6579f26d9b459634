package org.neuronexplainer.coordinator;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.neuronexplainer.common.kafka.JobPublisher;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.kafka.TopicCreator;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.Topics;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.ops.OpsServer;
import org.neuronexplainer.common.ops.ReadinessCheck;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.coordinator.api.ApiRoutes;
import org.neuronexplainer.coordinator.api.BearerAuth;
import org.neuronexplainer.coordinator.progress.EventFollower;
import org.neuronexplainer.coordinator.progress.ProgressBoard;
import org.neuronexplainer.coordinator.runs.RunEstimates;
import org.neuronexplainer.coordinator.runs.RunPlanner;
import org.neuronexplainer.coordinator.runs.RunService;
import org.neuronexplainer.coordinator.viewer.BoundedProbe;
import org.neuronexplainer.coordinator.viewer.RunSource;
import org.neuronexplainer.coordinator.viewer.ViewerRoutes;
import org.neuronexplainer.coordinator.viewer.ViewerService;
import org.neuronexplainer.coordinator.viewer.ViewerStores;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's moving parts, started in order: topics, run records from the store, the events
 * replay, the settle tick, the publishing of runs whose jobs the store does not mark as published,
 * the HTTP server (API, viewer and run pages, health, metrics). {@link #close()} stops them in
 * reverse.
 */
public final class Coordinator implements AutoCloseable {

  private final Producer<String, byte[]> producer;
  private final Admin brokerAdmin;
  private final EventFollower follower;
  private final RunService runs;
  private final ScheduledExecutorService ticker;
  private final OpsServer server;
  private final ViewerStores viewer;
  private final Optional<BoundedProbe> probe;

  private Coordinator(
      Producer<String, byte[]> producer,
      Admin brokerAdmin,
      EventFollower follower,
      RunService runs,
      ScheduledExecutorService ticker,
      OpsServer server,
      ViewerStores viewer,
      Optional<BoundedProbe> probe) {
    this.probe = probe;
    this.producer = producer;
    this.brokerAdmin = brokerAdmin;
    this.follower = follower;
    this.runs = runs;
    this.ticker = ticker;
    this.server = server;
    this.viewer = viewer;
  }

  /** A coordinator whose API does not estimate runs ({@code POST /api/runs/estimate}: 501). */
  public static Coordinator start(
      CoordinatorConfig config, BlobStore store, MetricsSetup metricsSetup) throws Exception {
    return start(config, store, metricsSetup, null);
  }

  /**
   * @param estimates counts {@code POST /api/runs/estimate} over {@code store}; null for none
   */
  public static Coordinator start(
      CoordinatorConfig config, BlobStore store, MetricsSetup metricsSetup, RunEstimates estimates)
      throws Exception {
    return start(config, store, metricsSetup, estimates, Optional.empty());
  }

  /**
   * @param probe runs the viewer's "try it on your text" box; closed with the coordinator
   */
  public static Coordinator start(
      CoordinatorConfig config,
      BlobStore store,
      MetricsSetup metricsSetup,
      RunEstimates estimates,
      Optional<BoundedProbe> probe)
      throws Exception {
    KafkaClients clients = new KafkaClients(config.kafka());
    Topics topics = config.kafka().topics();
    if (config.createTopics()) {
      try (Admin admin = clients.admin()) {
        TopicCreator.createMissing(admin, config.kafka());
      }
    }
    CoordinatorMetrics metrics = new CoordinatorMetrics(metricsSetup.registry());
    ProgressBoard board = new ProgressBoard(metrics);
    Producer<String, byte[]> producer =
        clients.producer("coordinator-" + ProcessHandle.current().pid());
    metricsSetup.bind(producer);
    Publisher publisher = new Publisher(producer, topics, new MessageCodec());
    RunRecords records = new RunRecords(store);
    RunService runs =
        new RunService(
            records,
            new RunPlanner(store),
            new JobPublisher(publisher),
            board,
            System::currentTimeMillis,
            config.publishTimeout());
    metrics.bind(board, runs);
    runs.load();
    runs.statuses().keySet().forEach(metrics::registerRun);
    Consumer<String, byte[]> reader =
        clients.reader("coordinator-events-" + ProcessHandle.current().pid());
    metricsSetup.bind(reader);
    EventFollower follower = new EventFollower(reader, topics.events(), board).start();
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "coordinator-tick"));
    ticker.scheduleWithFixedDelay(
        () -> {
          try {
            if (follower.caughtUp()) {
              runs.settle();
            }
            runs.statuses().keySet().forEach(metrics::registerRun);
          } catch (RuntimeException e) {
            LoggerFactory.getLogger(Coordinator.class).warn("settle failed", e);
          }
        },
        200,
        200,
        TimeUnit.MILLISECONDS);
    // Jobs of running runs that the store does not mark published: a crash while publishing, or a
    // submission while the broker was away. Publishing itself runs on the run service's thread.
    ticker.scheduleWithFixedDelay(
        () -> {
          try {
            runs.publishPending();
          } catch (RuntimeException e) {
            LoggerFactory.getLogger(Coordinator.class).warn("publishing pending runs failed", e);
          }
        },
        0,
        config.publishRetry().toMillis(),
        TimeUnit.MILLISECONDS);
    Admin brokerAdmin = clients.admin();
    Map<String, ReadinessCheck> checks =
        CoordinatorReadiness.checks(
            () ->
                !follower.running()
                    ? "events follower stopped: " + follower.failure()
                    : follower.caughtUp() ? null : "replaying the events topic",
            CoordinatorReadiness.BrokerProbe.of(brokerAdmin),
            store);
    OpsServer[] holder = new OpsServer[1];
    BearerAuth auth = new BearerAuth(config.apiToken());
    ViewerStores viewer =
        config.viewer()
            ? ViewerStores.of(new ViewerService(store, Optional.empty(), RunSource.live(runs)))
            : null;
    holder[0] =
        OpsServer.start(
            config.host(),
            config.port(),
            metricsSetup,
            checks,
            (vertx, router) -> {
              if (viewer != null) {
                // Before the API: its /api/* guard would otherwise ask the read-only viewer
                // routes (/api/viewer/...) for the token. Re-queue and cancel stay behind it.
                ViewerRoutes.mount(router, vertx, viewer, probe);
              }
              new ApiRoutes(vertx, runs, auth, estimates).accept(router);
            });
    return new Coordinator(producer, brokerAdmin, follower, runs, ticker, holder[0], viewer, probe);
  }

  public RunService runs() {
    return runs;
  }

  public int port() {
    return server.port();
  }

  /** The address its HTTP server listens on ({@code COORDINATOR_HOST}). */
  public String host() {
    return server.host();
  }

  public boolean caughtUp() {
    return follower.caughtUp();
  }

  /** Whether the viewer and the run pages are served on {@link #port()}. */
  public boolean servesViewer() {
    return viewer != null;
  }

  @Override
  public void close() {
    server.close();
    if (viewer != null) {
      viewer.close();
    }
    probe.ifPresent(BoundedProbe::close);
    ticker.shutdownNow();
    runs.close();
    follower.close();
    producer.close();
    brokerAdmin.close(Duration.ofSeconds(5));
  }
}
