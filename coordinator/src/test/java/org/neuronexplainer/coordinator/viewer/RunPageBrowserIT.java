package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.kafka.KafkaClients;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.Publisher;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobMetrics;
import org.neuronexplainer.common.messaging.MessageCodec;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.common.testing.Await;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.CoordinatorConfig;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The run page in a real headless Chromium, served by a real coordinator on a real (in-process,
 * single-node KRaft) broker. A scripted worker answers the run's jobs: five neurons finish, two
 * fail with reasons (one holding a {@code <script>} tag), three stay in work until released; after
 * the fault is "fixed" the failed ones finish when re-queued. A second run goes through the Batch
 * API: the worker leaves its jobs alone, and the batcher's count of its batches is written to the
 * store as the batcher would.
 */
@ExtendWith(HeadlessChromium.class)
class RunPageBrowserIT {

  static final String TOKEN = "run-page-token-0123456789";
  static final String RUN = "run-page";
  static final String BATCH_RUN = "run-page-batch";
  static final String SCRIPT_REASON = "LLM answered 400: <script>alert('reason')</script>";
  // A recorded input's name is user text too: it must show as text.
  static final String TEXTS_NAME = "texts-<i>mine</i>.json";
  static final byte[] TEXTS = "{}".getBytes(StandardCharsets.UTF_8);
  static final Set<String> FAILING = Set.of("0:5", "0:6");
  static final Set<String> HELD = Set.of("0:7", "0:8", "0:9");

  @TempDir static Path temp;
  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  private static MetricsSetup metrics;
  private static Coordinator coordinator;
  private static ScriptedWorker worker;
  private static ChromeDriver browser;
  private static LocalDirectoryStore store;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    browser = HeadlessChromium.start(temp.resolve("profile"));
    Path storeDir = Files.createDirectories(temp.resolve("store"));
    store = new LocalDirectoryStore(storeDir);
    for (int n = 0; n < 10; n++) {
      // The planner needs only the records' keys; the scripted worker never reads them.
      store.put("collated-activations/0/" + n + ".json", "{}".getBytes(StandardCharsets.UTF_8));
    }
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", BROKER.bootstrapServers());
    env.put("KAFKA_TOPIC_PREFIX", "runpage.");
    env.put("KAFKA_PARTITIONS", "2");
    env.put("STORE_DIR", storeDir.toString());
    env.put("COORDINATOR_PORT", "0");
    env.put("COORDINATOR_API_TOKEN", TOKEN);
    metrics = new MetricsSetup();
    coordinator = Coordinator.start(CoordinatorConfig.fromEnv(env), store, metrics);
    awaitTrue("the coordinator caught up", coordinator::caughtUp);
    worker = new ScriptedWorker(KafkaConfig.fromEnv(env)).start();
    coordinator
        .runs()
        .submit(
            new RunSpec(RUN, "store", null, null, "baseline", "baseline", "linear", null, 1)
                .withPrompts(RunInput.of(TEXTS_NAME, TEXTS), null, null, true)
                .withScorers(List.of("simulation", "detection", "fuzzing")));
    awaitTrue(
        "five done, two failed, three in work",
        () -> {
          Map<String, Integer> states = coordinator.runs().view(RUN).progress().states();
          return states.get("done") == 5
              && states.get("failed") == 2
              && states.get("explaining") == 3;
        });
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (worker != null) {
      worker.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  /** Fails after a minute: a hang, not a slow machine. */
  static void awaitTrue(String what, BooleanSupplier condition) {
    Await.until(Duration.ofSeconds(60), what, condition);
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + coordinator.port() + path;
  }

  private static WebElement await(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static void awaitText(By by, String text) {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  private static JsonNode api(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private static int status(String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url(path))).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static List<String> failedNeurons() throws Exception {
    List<String> failed = new ArrayList<>();
    api("/api/runs/" + RUN + "/neurons?state=failed")
        .forEach(n -> failed.add(n.get("neuron").asText()));
    return failed;
  }

  private static void screenshot(String name) throws Exception {
    Path dir = Files.createDirectories(ViewerBrowserIT.SCREENSHOTS);
    Object height = browser.executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1280, ((Number) height).intValue() + 200));
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    browser.manage().window().setSize(new Dimension(1280, 1000));
  }

  @Test
  void theRunPageShowsProgressAndFailuresAndRequeuesOnlyWithAValidToken() throws Exception {
    // The viewer shares the coordinator's port: its pages need no token, the API still does.
    assertThat(status("/api/viewer/info")).isEqualTo(200);
    assertThat(status("/api/runs")).isEqualTo(401);

    browser.get(url("/runs"));
    await(By.linkText(RUN)).click();

    WebElement explain = await(By.cssSelector("#stages tr[data-stage=explain-and-score]"));
    assertThat(explain.findElement(By.cssSelector("[data-count=passed]")).getText()).isEqualTo("5");
    assertThat(explain.findElement(By.cssSelector("[data-count=working]")).getText())
        .isEqualTo("3");
    assertThat(explain.findElement(By.cssSelector("[data-count=failed]")).getText()).isEqualTo("2");
    assertThat(browser.findElement(By.id("state-counts")).getText())
        .contains("done 5", "explaining 3", "failed 2");
    assertThat(browser.findElement(By.id("figures")).getText()).contains("500 prompt", "$0.0050");
    assertThat(browser.findElement(By.id("run-state")).getText()).startsWith("running");
    // The run's classification scorers: each one's mean over the done neurons.
    assertThat(browser.findElement(By.cssSelector("#figures tr[data-scorer=detection]")).getText())
        .isEqualTo("mean detection 0.75 balanced accuracy");
    assertThat(browser.findElement(By.cssSelector("#figures tr[data-scorer=fuzzing]")).getText())
        .isEqualTo("mean fuzzing 0.70 balanced accuracy");
    assertThat(browser.findElements(By.cssSelector("#figures tr[data-scorer]"))).hasSize(2);

    List<WebElement> rows = browser.findElements(By.cssSelector("#failures tr[data-neuron]"));
    assertThat(rows).extracting(r -> r.getAttribute("data-neuron")).containsExactly("0:5", "0:6");
    WebElement reason = rows.get(0).findElement(By.cssSelector(".reason"));
    assertThat(reason.getText()).isEqualTo(SCRIPT_REASON);
    assertThat(reason.findElements(By.tagName("script"))).isEmpty();
    assertThat(browser.findElements(By.tagName("script"))).hasSize(2); // common.js and run.js
    assertThat(rows.get(0).findElement(By.linkText("0:5")).getAttribute("href"))
        .endsWith("/neurons/0/5");
    assertNoAlert();

    // What produced the scores: the recorded prompt texts link to the stored copy.
    WebElement texts = await(By.cssSelector("#run-inputs tr[data-input=promptTexts] td"));
    String sha = RunInput.sha256(TEXTS);
    assertThat(texts.getText()).isEqualTo(TEXTS_NAME + " " + sha.substring(0, 12));
    assertThat(texts.findElements(By.tagName("i"))).isEmpty();
    String href = texts.findElement(By.tagName("a")).getAttribute("href");
    assertThat(href).endsWith("/raw/runs/" + RUN + "/prompt-texts.json");
    assertThat(status(href.substring(url("").length()))).isEqualTo(200);
    assertThat(
            browser
                .findElement(By.cssSelector("#run-inputs tr[data-input=simulatorFewShot]"))
                .getText())
        .endsWith("not recorded");
    assertThat(browser.findElement(By.id("run-inputs")).getText()).contains("token escaping on");

    // No token: the page says what it needs and offers no action.
    assertThat(await(By.id("token-needed")).getText()).contains("COORDINATOR_API_TOKEN");
    assertThat(browser.findElements(By.id("requeue-all"))).isEmpty();
    assertThat(browser.findElements(By.id("cancel-run"))).isEmpty();

    browser.findElement(By.id("token")).sendKeys("not-the-token-0123456789");
    browser.findElement(By.cssSelector("#token-form button")).click();
    awaitText(By.id("message"), "refused this token");
    assertThat(browser.findElements(By.id("requeue-all"))).isEmpty();
    assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
    assertThat(browser.getCurrentUrl()).doesNotContain("token");

    browser.findElement(By.id("token")).clear();
    browser.findElement(By.id("token")).sendKeys(TOKEN);
    browser.findElement(By.cssSelector("#token-form button")).click();
    assertThat(await(By.id("requeue-all")).getText()).isEqualTo("Re-queue all failed (2)");
    assertThat(browser.findElement(By.id("cancel-run")).isDisplayed()).isTrue();
    assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);
    await(By.cssSelector("#failures input[type=checkbox]"));
    screenshot("run-page.png");

    // The fault is fixed: a re-queued neuron now finishes. First one selected, then all.
    worker.healed = true;
    browser.findElement(By.cssSelector("#failures tr[data-neuron='0:5'] input")).click();
    WebElement selected = await(By.id("requeue-selected"));
    assertThat(selected.getText()).isEqualTo("Re-queue selected (1)");
    selected.click();
    awaitText(By.id("message"), "Re-queued 1 neuron.");
    Await.until(
        Duration.ofSeconds(60),
        "0:5 to leave failed",
        RunPageBrowserIT::failedNeurons,
        failed -> !failed.contains("0:5"));
    assertThat(failedNeurons()).containsExactly("0:6");

    // The token stays in the tab across a reload.
    browser.navigate().refresh();
    await(By.id("requeue-all")).click();
    awaitText(By.id("message"), "Re-queued 1 neuron.");
    Await.until(
        Duration.ofSeconds(60), "no neuron failed", RunPageBrowserIT::failedNeurons, List::isEmpty);
    // The healed worker finishes both; their done events reach the coordinator a little later.
    awaitTrue(
        "7 neurons done", () -> coordinator.runs().view(RUN).progress().states().get("done") == 7);

    // The page follows the run by itself until it ends.
    worker.releaseHeld();
    awaitText(By.id("run-state"), "succeeded");
    awaitText(By.id("state-counts"), "done 10");
    assertThat(browser.findElement(By.id("no-failures")).getText())
        .isEqualTo("No neuron has failed.");
    assertNoAlert();
  }

  @Test
  void aBatchRunShowsItsBatchesAndSaysItsCostIsAtBatchPrices() throws Exception {
    coordinator
        .runs()
        .submit(
            new RunSpec(BATCH_RUN, "store", null, null, "baseline", "baseline", "linear", null, 1)
                .withBatch(true));
    browser.get(url("/runs/" + BATCH_RUN));
    awaitText(By.id("batches"), "has not counted this run's batches yet");
    assertThat(browser.findElement(By.id("batch-prices")).getText()).contains("batch prices");

    new RunRecords(store)
        .putBatchSummary(new RunRecords.BatchSummary(BATCH_RUN, 7, 30, 2, 4, 1, 1_000));
    assertThat(api("/api/runs/" + BATCH_RUN).at("/batches/callsInBatches").asLong()).isEqualTo(30);
    // The running page refreshes by itself and picks the count up.
    WebElement counts = await(By.id("batch-counts"));
    assertThat(row(counts, "pendingCalls")).isEqualTo("calls pending 7");
    assertThat(row(counts, "callsInBatches")).isEqualTo("calls in batches 30");
    assertThat(row(counts, "inProgress")).isEqualTo("batches in progress 2");
    assertThat(row(counts, "completed")).isEqualTo("batches completed 4");
    assertThat(row(counts, "failed")).isEqualTo("batches failed 1");
    assertThat(browser.findElement(By.id("figures")).getText()).contains("(at batch prices)");

    // A run without the Batch API shows no batches.
    browser.get(url("/runs/" + RUN));
    await(By.id("figures"));
    assertThat(browser.findElements(By.id("batches"))).isEmpty();
    assertThat(browser.findElement(By.id("figures")).getText()).doesNotContain("batch prices");
    assertNoAlert();
  }

  private static String row(WebElement table, String field) {
    return table.findElement(By.cssSelector("tr[data-batch=" + field + "]")).getText();
  }

  private static void assertNoAlert() {
    boolean alerted;
    try {
      browser.switchTo().alert();
      alerted = true;
    } catch (NoAlertPresentException e) {
      alerted = false;
    }
    assertThat(alerted).isFalse();
  }

  /**
   * Answers explain-and-score jobs as a worker would, by a script: reads the jobs topic from its
   * start (no group) and publishes started, succeeded or failed events.
   */
  static final class ScriptedWorker implements AutoCloseable {
    private final KafkaClients clients;
    private final MessageCodec codec = new MessageCodec();
    private final Consumer<String, byte[]> jobs;
    private final Publisher publisher;
    private final Thread thread;
    private final Map<String, ExplainAndScoreJob> held = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    volatile boolean healed;

    ScriptedWorker(KafkaConfig config) {
      clients = new KafkaClients(config);
      jobs = clients.reader("scripted-worker");
      publisher =
          new Publisher(clients.producer("scripted-worker"), config.topics(), new MessageCodec());
      String topic = config.topics().explainAndScore().name();
      List<TopicPartition> partitions =
          jobs.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      jobs.assign(partitions);
      jobs.seekToBeginning(partitions);
      thread = new Thread(this::loop, "scripted-worker");
    }

    ScriptedWorker start() {
      thread.start();
      return this;
    }

    private void loop() {
      try {
        while (running) {
          for (ConsumerRecord<String, byte[]> record : jobs.poll(Duration.ofMillis(100))) {
            answer(codec.decode(record.value(), ExplainAndScoreJob.class));
          }
        }
      } catch (WakeupException e) {
        // closing
      }
    }

    private void answer(ExplainAndScoreJob job) {
      if (!job.header().runId().equals(RUN)) {
        return; // the batch run's neurons stay waiting for their batches
      }
      String unit = job.unit();
      long now = System.currentTimeMillis();
      publisher.event(StageEvent.started(job, now));
      if (HELD.contains(unit)) {
        held.put(unit, job);
      } else if (FAILING.contains(unit) && !healed) {
        String reason = unit.equals("0:5") ? SCRIPT_REASON : "the simulator's answer did not parse";
        publisher.event(StageEvent.failed(job, now, reason, false));
      } else {
        succeed(job);
      }
      publisher.flush();
    }

    private void succeed(ExplainAndScoreJob job) {
      publisher.event(
          StageEvent.succeeded(
              job,
              System.currentTimeMillis(),
              false,
              new JobMetrics(
                  100L,
                  20L,
                  0.001,
                  0.5,
                  null,
                  Map.of("simulation", 0.5, "detection", 0.75, "fuzzing", 0.7))));
    }

    void releaseHeld() {
      held.values().forEach(this::succeed);
      publisher.flush();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      jobs.wakeup();
      thread.join(10_000);
      jobs.close();
      publisher.close();
    }
  }
}
