package org.neuronexplainer.cli.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.run.RunFailure;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.viewer.HeadlessChromium;
import org.neuronexplainer.coordinator.viewer.ViewerServer;
import org.neuronexplainer.coordinator.viewer.ViewerService;
import org.neuronexplainer.coordinator.viewer.ViewerStores;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The workbench's pages in a real headless Chromium over a store captured from the tiny random
 * GPT-2 ({@link CapturedTinyStore}): the token search, a heat map's token, density and its filters,
 * export and permalinks, checked against the records read here apart from the viewer's code; a
 * neuron outside the model; and a copy of the store with a file it cannot read, a malformed one and
 * a run with failures, served beside it ({@code ?store=1}). No page shows a class name, an
 * exception's name or a library's message.
 */
@ExtendWith(HeadlessChromium.class)
class CapturedStoreBrowserIT {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  /** Text that only internals write: class and exception names, parser notes, packages. */
  private static final Pattern INTERNAL =
      Pattern.compile(
          "Exception|Error:|\\[Source:|REDACTED|StreamReadFeature|Store\\[|\\bjava\\.|\\borg\\."
              + "|\\bcom\\.fasterxml|\\bnull\\b|NaN");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path temp;
  private static CapturedTinyStore captured;
  private static Path bad;
  private static ViewerServer server;
  private static ChromeDriver browser;

  /** What the test reads from each captured record: density, dead, and the strongest tokens. */
  private record Read(double density, long above, long all, boolean dead, Map<String, Double> on) {}

  private static final Map<NeuronId, Read> READ = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    captured = CapturedTinyStore.build(temp);
    bad = captured.badCopy(Files.createDirectories(temp.resolve("bad")));
    for (NeuronId id : captured.neurons()) {
      READ.put(id, read(captured.store(), id));
    }
    browser = HeadlessChromium.start(temp.resolve("profile"));
    server =
        ViewerServer.start(
            new ViewerStores(
                List.of(
                    new ViewerStores.Entry(
                        captured.store().toString(),
                        new ViewerService(
                            new LocalDirectoryStore(captured.store()), Optional.empty())),
                    new ViewerStores.Entry(
                        bad.toString(),
                        new ViewerService(
                            new UnreadableKeyStore(bad, CapturedTinyStore.UNREADABLE),
                            Optional.empty())))),
            "127.0.0.1",
            0);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * A record as the test reads it: the share of its random sample's tokens above 0, and per token
   * (stripped, lower case) its largest activation in the top excerpts and the mean-activation
   * table, the strongest 48 kept (as many as the viewer indexes for a neuron).
   */
  private static Read read(Path store, NeuronId id) throws Exception {
    String tail = id.layerIndex() + "/" + id.neuronIndex() + ".json";
    NeuronRecord record =
        DatasetJson.read(store.resolve("collated-activations/" + tail), NeuronRecord.class);
    long above = 0;
    long all = 0;
    for (ActivationRecord r : record.randomSample()) {
      for (double v : r.activations()) {
        all++;
        above += v > 0 ? 1 : 0;
      }
    }
    boolean dead = record.maxActivation() <= 0;
    List<String> tokens = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (ActivationRecord r : record.mostPositiveActivationRecords()) {
      for (int i = 0; i < r.length(); i++) {
        tokens.add(r.tokens().get(i));
        values.add(r.activation(i));
      }
    }
    Path table = store.resolve("related-tokens/activation-based/" + tail);
    if (Files.exists(table)) {
      TokenLookupTableSummaryOfNeuron t =
          DatasetJson.read(table, TokenLookupTableSummaryOfNeuron.class);
      double[] averages = t.averageActivations();
      for (int i = 0; i < t.tokens().size(); i++) {
        tokens.add(t.tokens().get(i));
        values.add(averages[i]);
      }
    }
    Map<String, Double> best = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      String key = tokens.get(i).strip().toLowerCase(Locale.ROOT);
      if (!key.isEmpty() && values.get(i) > 0) {
        best.merge(key, values.get(i), Math::max);
      }
    }
    List<Map.Entry<String, Double>> ranked = new ArrayList<>(best.entrySet());
    ranked.sort(
        Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Double> kept = new HashMap<>();
    ranked.stream().limit(48).forEach(e -> kept.put(e.getKey(), e.getValue()));
    return new Read(dead ? 0 : (double) above / all, above, all, dead, kept);
  }

  /** The neurons firing on {@code token}, strongest first, with their activation on it. */
  private static List<Map.Entry<NeuronId, Double>> ranking(String token) {
    List<Map.Entry<NeuronId, Double>> hits = new ArrayList<>();
    READ.forEach(
        (id, read) -> {
          Double on = read.on().get(token);
          if (on != null) {
            hits.add(Map.entry(id, on));
          }
        });
    hits.sort(
        Map.Entry.<NeuronId, Double>comparingByValue(Comparator.reverseOrder())
            .thenComparing(e -> e.getKey().layerIndex())
            .thenComparing(e -> e.getKey().neuronIndex()));
    return hits;
  }

  /**
   * A word of the corpus that most neurons fire on (in both layers where it can), so that the
   * ranking checked is one over many neurons.
   */
  private static String commonToken() {
    TreeMap<String, Integer> counts = new TreeMap<>();
    READ.values()
        .forEach(
            r ->
                r.on().keySet().stream()
                    .filter(k -> k.matches("[a-z]{2,}"))
                    .forEach(k -> counts.merge(k, 1, Integer::sum)));
    String token =
        counts.entrySet().stream()
            .max(Map.Entry.<String, Integer>comparingByValue())
            .orElseThrow()
            .getKey();
    assertThat(counts.get(token)).as("neurons firing on %s", token).isGreaterThanOrEqualTo(4);
    return token;
  }

  private static String label(NeuronId id) {
    return id.layerIndex() + ":" + id.neuronIndex();
  }

  private static void open(String path) {
    browser.get("http://127.0.0.1:" + server.port() + path);
  }

  private static WebElement await(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static List<String> hitNeurons() {
    await(By.id("result-count"));
    return browser.findElements(By.cssSelector(".hit > a")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** The page's text, once its main part has loaded, holds nothing only internals write. */
  private static void assertPlain() {
    String text = browser.findElement(By.tagName("body")).getText();
    assertThat(INTERNAL.matcher(text).find())
        .as("internal text on %s: %s", browser.getCurrentUrl(), text)
        .isFalse();
    assertThat(text).doesNotContain("LocalDirectoryStore", temp.toString() + "]");
  }

  private static HttpResponse<String> fetch(String href) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(href)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void screenshot(String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Object height = browser.executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1280, ((Number) height).intValue() + 200));
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    browser.manage().window().setSize(new Dimension(1280, 1000));
  }

  @Test
  void theSearchPageRanksTheNeuronsByTheirActivationOnAToken() throws Exception {
    String token = commonToken();
    List<Map.Entry<NeuronId, Double>> expected = ranking(token);
    open("/search");
    await(By.cssSelector("#modes input[value=tokens]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.urlContains("mode=tokens"));
    await(By.id("q")).sendKeys(token);
    browser.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    assertThat(hitNeurons())
        .containsExactlyElementsOf(
            expected.stream().map(e -> "Neuron " + label(e.getKey())).toList());
    assertThat(browser.findElement(By.id("result-count")).getText())
        .isEqualTo(expected.size() + " neurons fire on “" + token + "”");
    List<WebElement> chips = browser.findElements(By.cssSelector(".hit .activation-chip"));
    for (int i = 0; i < expected.size(); i++) {
      assertThat(Double.parseDouble(chips.get(i).getText()))
          .as("activation of %s", label(expected.get(i).getKey()))
          .isCloseTo(expected.get(i).getValue(), within(0.0051));
    }
    assertPlain();
    screenshot("viewer-token-search.png");
  }

  @Test
  void aTokenClickedInAHeatMapListsTheNeuronsThatFireMostOnIt() {
    String token = commonToken();
    List<Map.Entry<NeuronId, Double>> expected = ranking(token);
    open(
        "/neurons/"
            + expected.get(0).getKey().layerIndex()
            + "/"
            + expected.get(0).getKey().neuronIndex());
    await(By.cssSelector("#activations .tok"));
    WebElement tok =
        browser.findElements(By.cssSelector("#activations .tok")).stream()
            .filter(t -> t.getText().strip().toLowerCase(Locale.ROOT).equals(token))
            .findFirst()
            .orElseThrow();
    tok.click();
    await(By.cssSelector("#token-popover li a"));
    List<String> listed =
        browser.findElements(By.cssSelector("#token-popover li a")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(listed)
        .containsExactlyElementsOf(expected.stream().limit(8).map(e -> label(e.getKey())).toList());
    assertThat(await(By.id("popover-all")).getText())
        .isEqualTo("all " + expected.size() + " in the search →");
    assertPlain();
  }

  @Test
  void eachNeuronPageShowsTheShareOfItsRandomSampleAboveZero() {
    for (NeuronId id : List.of(new NeuronId(0, 0), new NeuronId(0, 9), new NeuronId(1, 3))) {
      Read read = READ.get(id);
      open("/neurons/" + id.layerIndex() + "/" + id.neuronIndex());
      String shown = await(By.id("density-value")).getText();
      assertThat(shown).endsWith(" %");
      assertThat(Double.parseDouble(shown.replace(" %", "")))
          .as("density of %s", label(id))
          .isCloseTo(100 * read.density(), within(read.density() >= 0.1 ? 0.051 : 0.0051));
      // Its strongest tokens, each a link to the token search (words, not addresses).
      List<WebElement> strongest = browser.findElements(By.cssSelector("#density .strongest a"));
      assertThat(strongest).isNotEmpty();
      for (WebElement token : strongest) {
        String key = token.getText().strip().toLowerCase(Locale.ROOT);
        assertThat(read.on()).as("a strongest token of %s", label(id)).containsKey(key);
        assertThat(token.getAttribute("href")).contains("/search?mode=tokens&q=");
      }
      assertThat(browser.findElement(By.id("density")).getText()).doesNotContain("http");
      if (!read.dead()) {
        assertThat(browser.findElement(By.id("density")).getText())
            .contains(
                "above 0 on "
                    + read.above()
                    + " of the "
                    + read.all()
                    + " tokens of its random"
                    + " sample");
      }
    }
  }

  @Test
  void theDensityFiltersFindTheDeadTheAlwaysOnAndARangeTyped() {
    List<String> dead = new ArrayList<>();
    List<String> alwaysOn = new ArrayList<>();
    List<Double> densities = new ArrayList<>();
    READ.forEach(
        (id, read) -> {
          if (read.dead()) {
            dead.add("Neuron " + label(id));
          }
          if (read.density() >= 0.99) {
            alwaysOn.add("Neuron " + label(id));
          }
          densities.add(read.density());
        });
    open("/search");
    await(By.id("only-dead")).click();
    assertThat(hitNeurons()).containsExactlyInAnyOrderElementsOf(dead);
    assertPlain();
    await(By.id("only-always-on")).click();
    assertThat(hitNeurons()).containsExactlyInAnyOrderElementsOf(alwaysOn);
    assertThat(browser.findElement(By.id("minDensity")).getAttribute("value")).isEqualTo("0.99");

    // A range typed, to the form's hundredths, that no neuron sits on: from about the median up.
    List<Double> sorted = densities.stream().distinct().sorted().toList();
    assertThat(sorted).hasSizeGreaterThan(4);
    double median = sorted.get(sorted.size() / 2);
    double from = Math.round(median * 100) / 100.0;
    while (from < 1 && hasNear(densities, from)) {
      from += 0.01;
    }
    String typed = String.format(Locale.ROOT, "%.2f", from);
    double bound = Double.parseDouble(typed);
    List<String> inRange = new ArrayList<>();
    READ.forEach(
        (id, read) -> {
          if (read.density() >= bound) {
            inRange.add("Neuron " + label(id));
          }
        });
    await(By.id("any-density")).click();
    await(By.id("minDensity")).sendKeys(typed);
    browser.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    assertThat(hitNeurons()).containsExactlyInAnyOrderElementsOf(inRange).isNotEmpty();
    assertPlain();
  }

  private static boolean hasNear(List<Double> values, double value) {
    return values.stream().anyMatch(v -> Math.abs(v - value) < 1e-6);
  }

  @Test
  void theExportLinkDownloadsTheRowsShownAndTheAddressBringsTheViewBack() throws Exception {
    String token = commonToken();
    open("/search?mode=tokens&q=" + token);
    List<String> shown = hitNeurons();
    List<String> activations =
        browser.findElements(By.cssSelector(".hit .activation-chip")).stream()
            .map(WebElement::getText)
            .toList();
    List<String> texts =
        browser.findElements(By.cssSelector(".hit .hit-text")).stream()
            .map(WebElement::getText)
            .toList();
    WebElement csv = await(By.id("export-csv"));
    assertThat(csv.getAttribute("download")).isNotNull();
    HttpResponse<String> response = fetch(csv.getAttribute("href"));
    assertThat(response.statusCode()).isEqualTo(200);
    List<List<String>> rows = parseCsv(response.body());
    assertThat(rows.get(0))
        .startsWith("layer", "neuron", "rank", "explanation", "score")
        .contains("density", "activation");
    int activation = rows.get(0).indexOf("activation");
    // One row per explanation: the first of each neuron is the one the search shows.
    List<List<String>> firsts = rows.stream().skip(1).filter(r -> r.get(2).equals("0")).toList();
    assertThat(firsts.stream().map(r -> "Neuron " + r.get(0) + ":" + r.get(1)).toList())
        .containsExactlyElementsOf(shown);
    for (int i = 0; i < firsts.size(); i++) {
      assertThat(firsts.get(i).get(3)).isEqualTo(texts.get(i));
      assertThat(Double.parseDouble(firsts.get(i).get(activation)))
          .isCloseTo(Double.parseDouble(activations.get(i)), within(0.0051));
    }

    // The same view from its address, reloaded and opened afresh.
    String address = browser.getCurrentUrl();
    browser.navigate().refresh();
    assertThat(hitNeurons()).containsExactlyElementsOf(shown);
    assertThat(browser.findElement(By.id("q")).getAttribute("value")).isEqualTo(token);
    assertThat(browser.findElement(By.cssSelector("#modes input[value=tokens]")).isSelected())
        .isTrue();
    open("/");
    await(By.cssSelector("table.layers"));
    browser.get(address);
    assertThat(hitNeurons()).containsExactlyElementsOf(shown);
    assertPlain();
  }

  @Test
  void aNeuronOutsideTheModelSaysSoWithTheModelsSize() {
    open("/neurons/99/99999");
    assertThat(await(By.id("absent")).getText())
        .isEqualTo(
            "Neuron 99:99999 does not exist: the model has "
                + CapturedTinyStore.LAYERS
                + " layers (0 to 1) of "
                + CapturedTinyStore.NEURONS_PER_LAYER
                + " neurons (0 to 127).");
    assertThat(browser.findElements(By.cssSelector(".notice.missing"))).isEmpty();
    assertThat(browser.getPageSource()).doesNotContain("100000");
    assertPlain();
  }

  @Test
  void theExplanationPanesLinksDoNotOverlap() {
    open("/neurons/1/3");
    await(By.cssSelector("#explanation .text"));
    List<WebElement> links = browser.findElements(By.cssSelector("#explanation a.raw"));
    assertThat(links).as("the pane's raw JSON and the run's own copy").hasSize(2);
    Rectangle a = links.get(0).getRect();
    Rectangle b = links.get(1).getRect();
    boolean apart =
        a.getX() + a.getWidth() <= b.getX()
            || b.getX() + b.getWidth() <= a.getX()
            || a.getY() + a.getHeight() <= b.getY()
            || b.getY() + b.getHeight() <= a.getY();
    assertThat(apart).as("%s and %s", a, b).isTrue();
    assertPlain();
  }

  @Test
  void aStoreWithAnUnreadableAndAMalformedFileServesTheRestAndListsThemInWords() {
    open("/?store=1");
    WebElement bad = await(By.id("bad-files"));
    bad.findElement(By.tagName("summary")).click();
    assertThat(bad.getText())
        .startsWith("2 files could not be read and are left out")
        .contains(CapturedTinyStore.UNREADABLE + ": cannot be read (permission denied")
        .contains(CapturedTinyStore.MALFORMED + ": line 1, column");
    assertThat(browser.findElement(By.cssSelector(".summary")).getText())
        .contains("The model has 2 layers of 128 neurons.");
    assertPlain();

    // The search by explanation and by token still answer, from the files that could be read.
    String explained = firstWordOfAnExplanation();
    open("/search?store=1&q=" + explained);
    assertThat(hitNeurons()).isNotEmpty();
    assertPlain();
    String token = commonToken();
    open("/search?store=1&mode=tokens&q=" + token);
    assertThat(hitNeurons()).hasSize(ranking(token).size());
    assertPlain();
    // The neurons whose explanations could not be read are listed without a score.
    List<String> unexplained = new ArrayList<>();
    for (WebElement hit : browser.findElements(By.cssSelector(".hit"))) {
      if (hit.findElement(By.cssSelector(".hit-text")).getText().equals("no explanation")) {
        unexplained.add(hit.findElement(By.cssSelector("a")).getText());
        assertThat(hit.findElement(By.cssSelector(".score-chip")).getText()).isEqualTo("–");
      }
    }
    assertThat(unexplained).isSubsetOf("Neuron 0:3", "Neuron 1:7");

    open("/neurons/1/7?store=1");
    assertThat(await(By.cssSelector("#explanation .notice.error")).getText())
        .startsWith(CapturedTinyStore.UNREADABLE + " cannot be read (permission denied");
    assertPlain();
    open("/neurons/0/3?store=1");
    assertThat(await(By.cssSelector("#explanation .notice.error")).getText())
        .startsWith(CapturedTinyStore.MALFORMED);
    assertThat(await(By.cssSelector("#activations .tok")).isDisplayed()).isTrue();
    assertPlain();
  }

  private static String firstWordOfAnExplanation() {
    open("/neurons/0/0");
    String text = await(By.cssSelector("#explanation .text")).getText();
    return text.strip().split("\\W+")[0];
  }

  @Test
  void aRunWithFailuresShowsItsDoneCountAndPlainReasons() {
    open("/runs?store=1");
    WebElement row =
        new WebDriverWait(browser, Duration.ofSeconds(30))
            .until(
                d ->
                    d.findElements(By.cssSelector("#runs tr")).stream()
                        .filter(r -> r.getText().contains(CapturedTinyStore.FAILED_RUN))
                        .findFirst()
                        .orElse(null));
    List<WebElement> cells = row.findElements(By.tagName("td"));
    assertThat(cells.get(3).getText())
        .as("done")
        .isEqualTo(String.valueOf(CapturedTinyStore.CAPTURED_PER_LAYER));
    assertThat(cells.get(4).getText())
        .as("failed")
        .isEqualTo(String.valueOf(CapturedTinyStore.NOT_CAPTURED.size()));
    assertPlain();

    open("/runs/" + CapturedTinyStore.FAILED_RUN + "?store=1");
    WebElement failures = await(By.id("failures"));
    List<RunFailure> recorded =
        new RunRecords(new LocalDirectoryStore(bad)).failures(CapturedTinyStore.FAILED_RUN);
    assertThat(recorded).hasSize(CapturedTinyStore.NOT_CAPTURED.size());
    for (RunFailure failure : recorded) {
      // The reason as the worker said it, without the class name older records put in front.
      String plain = failure.reason().replaceFirst("^[\\w.$]+Exception: ", "");
      assertThat(plain).doesNotContain("Exception");
      assertThat(failures.getText()).contains(failure.neuron()).contains(plain);
    }
    assertThat(browser.findElements(By.cssSelector("#main .notice.info")))
        .hasSizeLessThanOrEqualTo(1);
    assertPlain();
  }

  /** RFC 4180, as the export writes it: fields quoted where they hold a comma, quote or newline. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else if (c != '\r') {
        field.append(c);
      }
    }
    if (field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
