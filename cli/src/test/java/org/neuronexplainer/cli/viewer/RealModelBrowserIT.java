package org.neuronexplainer.cli.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.viewer.BoundedProbe;
import org.neuronexplainer.coordinator.viewer.HeadlessChromium;
import org.neuronexplainer.coordinator.viewer.ModelDims;
import org.neuronexplainer.coordinator.viewer.ViewerServer;
import org.neuronexplainer.coordinator.viewer.ViewerService;
import org.neuronexplainer.coordinator.viewer.ViewerStores;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer in a real headless Chromium over a store captured from a tiny random GPT-2, served as
 * {@code serve --store STORE --model DIR} serves it: the try-it box runs the real model, and what
 * its heat map shows is what an independent forward pass of the checkpoint gives.
 */
@ExtendWith(HeadlessChromium.class)
class RealModelBrowserIT {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String TEXT = "Snow fell on the lake, and the dog ran to the river.";
  private static final NeuronId NEURON = new NeuronId(1, 3);

  @TempDir static Path temp;
  private static CapturedTinyStore captured;
  private static ViewerServer server;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    captured = CapturedTinyStore.build(temp);
    browser = HeadlessChromium.start(temp.resolve("profile"));
    // As ServeCommand wires it: the store under its argument, the probe from the checkpoint.
    String storeArg = captured.store().toString();
    BoundedProbe probe = ModelProbe.open(captured.model().toString(), "--model", Map.of());
    server =
        ViewerServer.start(
            new ViewerStores(
                List.of(
                    new ViewerStores.Entry(
                        storeArg,
                        new ViewerService(
                            new LocalDirectoryStore(captured.store()), Optional.empty())))),
            Optional.of(probe),
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

  private static void open(String path) {
    browser.get("http://127.0.0.1:" + server.port() + path);
  }

  private static WebElement await(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static String neuronPath(NeuronId id) {
    return "/neurons/" + id.layerIndex() + "/" + id.neuronIndex();
  }

  /** The colour heatmap.js gives {@code value} on a scale whose top is {@code max}. */
  private static int[] green(double value, double max) {
    double t = max > 0 && value > 0 ? Math.min(1, value / max) : 0;
    int[] full = {40, 160, 70};
    int[] rgb = new int[3];
    for (int c = 0; c < 3; c++) {
      rgb[c] = (int) Math.round(255 + (full[c] - 255) * t);
    }
    return rgb;
  }

  private static int[] rgb(String css) {
    String[] parts = css.replaceAll("[^0-9,]", "").split(",");
    return new int[] {
      Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])
    };
  }

  @Test
  void theTryItBoxShowsWhatAForwardPassOfTheModelGivesOnEachToken() throws Exception {
    open(neuronPath(NEURON));
    WebElement box = await(By.id("try-it"));
    assertThat(box.getText())
        .contains("tiny-gpt2")
        .as("the real model, not a stand-in")
        .doesNotContainIgnoringCase("fake");
    await(By.id("try-text")).sendKeys(TEXT);
    browser.findElement(By.id("try-run")).click();
    await(By.cssSelector("#try-it .try-reading .tok"));

    List<WebElement> shown =
        browser.findElements(By.cssSelector("#try-it .try-reading .tokens:nth-of-type(1) .tok"));
    float[] expected = captured.activations(TEXT, NEURON);
    assertThat(shown.stream().map(WebElement::getText).toList()).isEqualTo(captured.tokens(TEXT));
    assertThat(shown).hasSize(expected.length);
    double max = 0;
    for (float value : expected) {
      max = Math.max(max, value);
    }
    assertThat(max).as("some token activates the neuron").isPositive();
    for (int t = 0; t < expected.length; t++) {
      String title = shown.get(t).getAttribute("title");
      assertThat(title).startsWith("activation ");
      // The page shows two decimals: the value read there is the forward pass's, rounded.
      assertThat(Double.parseDouble(title.substring("activation ".length())))
          .as("token %d %s", t, shown.get(t).getText())
          .isCloseTo(expected[t], within(0.0051));
      int[] colour = rgb(shown.get(t).getCssValue("background-color"));
      int[] want = green(expected[t], max);
      for (int c = 0; c < 3; c++) {
        assertThat(colour[c]).as("token %d colour", t).isCloseTo(want[c], within(1));
      }
    }
    assertThat(box.findElement(By.cssSelector(".no-prediction")).getText())
        .isEqualTo(ModelProbe.NO_ENDPOINT);
    assertThat(box.findElements(By.cssSelector(".notice.error"))).isEmpty();

    browser.executeScript("document.getElementById('explanation').scrollIntoView()");
    Files.createDirectories(SCREENSHOTS);
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve("viewer-try-it.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aCapturedNeuronsPageShowsItsExplanationScoreAndExcerpts() throws Exception {
    open(neuronPath(NEURON));
    assertThat(await(By.cssSelector("h1")).getText()).isEqualTo("Neuron 1:3");
    assertThat(await(By.cssSelector("#explanation .text")).getText()).isNotBlank();
    assertThat(browser.findElement(By.cssSelector("#explanation .score-value")).getText())
        .matches("-?\\d\\.\\d\\d");
    assertThat(await(By.cssSelector("#activations .tok")).isDisplayed()).isTrue();
    assertThat(browser.findElements(By.cssSelector("#activations .tok")))
        .as("excerpts of 16 tokens")
        .hasSizeGreaterThanOrEqualTo(16);
    assertThat(browser.findElements(By.cssSelector(".notice.error"))).isEmpty();
    await(By.id("density-value"));
    await(By.id("try-text"));

    // The whole page, for the docs.
    Files.createDirectories(SCREENSHOTS);
    Object height = browser.executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1280, ((Number) height).intValue() + 200));
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve("viewer-neuron.png"), StandardCopyOption.REPLACE_EXISTING);
    browser.manage().window().setSize(new Dimension(1280, 1000));
  }

  @Test
  void theOverviewOfTheCapturedStoreShowsTheModelAndEveryExplainedNeuron() {
    open("/");
    await(By.cssSelector("table.layers"));
    assertThat(browser.findElements(By.cssSelector(".notice.error"))).isEmpty();
    assertThat(browser.findElement(By.id("main")).getText())
        .contains("MLP neurons of " + captured.model())
        .contains(CapturedTinyStore.NEURONS_PER_LAYER + " per layer")
        .doesNotContain("Exception");
    // One row a layer, each with every captured neuron explained by the baseline run.
    List<String> rows =
        browser.findElements(By.cssSelector("table.layers tr")).stream()
            .skip(1)
            .map(row -> row.findElements(By.tagName("td")).get(1).getText())
            .toList();
    assertThat(rows)
        .containsExactly(
            String.valueOf(CapturedTinyStore.CAPTURED_PER_LAYER),
            String.valueOf(CapturedTinyStore.CAPTURED_PER_LAYER));
  }

  @Test
  void theOverviewSaysTheModelsSizeFromWhatCaptureWrote() {
    assertThat(captured.store().resolve(ModelDims.MODEL_FILE)).as("capture writes it").exists();
    open("/");
    assertThat(await(By.cssSelector(".summary")).getText())
        .contains(
            "The model has "
                + CapturedTinyStore.LAYERS
                + " layers of "
                + CapturedTinyStore.NEURONS_PER_LAYER
                + " neurons.");
  }

  @Test
  void theHeaderAndOverviewNameTheStoreByItsPathNotByAClass() {
    open("/");
    await(By.cssSelector("table.layers"));
    assertThat(browser.findElement(By.cssSelector("header#top")).getText())
        .doesNotContain("LocalDirectoryStore")
        .doesNotContain("Store[");
    String page = browser.findElement(By.tagName("body")).getText();
    for (String internal :
        List.of("LocalDirectoryStore", "Store[", "Exception", "java.", "org.", "[Source:")) {
      assertThat(page).as("the overview's text").doesNotContain(internal);
    }
    assertThat(browser.findElement(By.cssSelector("header .store")).getAttribute("title"))
        .isEqualTo(captured.store().toString());
  }
}
