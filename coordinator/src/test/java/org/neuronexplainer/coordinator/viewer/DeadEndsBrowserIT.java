package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.ModelFile;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The places a new user hit dead ends, in a real headless Chromium, over a store of the tiny model
 * as capture lays it out ({@link TinyModelStore}: one explanations file unreadable, one malformed,
 * a finished run) and the same store without its model.json, as stores from before capture wrote
 * one.
 */
@ExtendWith(HeadlessChromium.class)
class DeadEndsBrowserIT {

  @TempDir static Path temp;
  private static Path tiny;
  private static ViewerServer server;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    browser = HeadlessChromium.start(temp.resolve("profile"));
    tiny = TinyModelStore.write(Files.createDirectories(temp.resolve("tiny")));
    Path older = TinyModelStore.write(Files.createDirectories(temp.resolve("older")));
    Files.delete(older.resolve(ModelFile.KEY));
    ViewerStores stores =
        new ViewerStores(
            List.of(
                new ViewerStores.Entry(
                    "tiny model", new ViewerService(TinyModelStore.open(tiny), Optional.empty())),
                new ViewerStores.Entry(
                    "tiny model, no model.json",
                    new ViewerService(new LocalDirectoryStore(older), Optional.empty()))));
    server = ViewerServer.start(stores, "127.0.0.1", 0);
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
    return new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static void screenshot(String name) throws IOException {
    Files.createDirectories(ViewerBrowserIT.SCREENSHOTS);
    Object height = browser.executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(1280, ((Number) height).intValue() + 200));
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(
        shot, ViewerBrowserIT.SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    browser.manage().window().setSize(new Dimension(1280, 1000));
  }

  /** No class name, exception name or parser note anywhere in the page's text. */
  private static void assertPlain(String text) {
    assertThat(text)
        .doesNotContain(
            "Exception", "Store[", "[Source", "REDACTED", "StreamReadFeature", "1 files", "null");
  }

  @Test
  void aNeuronOutsideTheModelSaysSoAndLinksToRealNeurons() throws Exception {
    open("/neurons/99/99999");
    assertThat(await(By.id("absent")).getText())
        .isEqualTo(
            "Neuron 99:99999 does not exist: the model has 2 layers (0 to 1) of 192 neurons"
                + " (0 to 191).");
    assertThat(browser.findElements(By.cssSelector(".notice.missing"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector(".prevnext"))).isEmpty();
    List<String> links =
        browser.findElements(By.cssSelector("#suggestions a")).stream()
            .map(a -> a.getAttribute("href"))
            .toList();
    assertThat(links).hasSize(2).allMatch(h -> h.endsWith("/neurons/1/191") || h.endsWith("/0/0"));
    assertThat(browser.getPageSource()).doesNotContain("100000");
    assertPlain(browser.findElement(By.tagName("body")).getText());
    screenshot("neuron-does-not-exist.png");

    browser.findElement(By.cssSelector("#suggestions a")).click();
    assertThat(await(By.id("absent")).getText())
        .startsWith("This store holds nothing for neuron 1:191");
    assertThat(browser.findElements(By.cssSelector("#suggestions a")).get(0).getText())
        .isEqualTo("← 1:190");
    assertThat(browser.findElement(By.id("suggestions")).getText()).doesNotContain("→");
  }

  @Test
  void theLastNeuronOfTheModelHasNoNextLink() {
    open("/neurons/1/5");
    await(By.cssSelector("#explanation"));
    assertThat(browser.findElement(By.cssSelector(".prevnext")).getText())
        .contains("1:4")
        .contains("1:6");
    open("/neurons/0/191");
    assertThat(await(By.id("absent")).getText()).contains("neuron 0:191");
    assertThat(browser.findElement(By.id("suggestions")).getText()).contains("1:0 →");
  }

  @Test
  void anOlderStoreWithoutModelJsonSaysItsSizeIsUnknown() {
    open("/?store=1");
    assertThat(await(By.cssSelector(".summary")).getText())
        .contains("The model's size is not recorded in this store (it has no model.json).");
    open("/neurons/99/5?store=1");
    assertThat(await(By.id("absent")).getText())
        .contains("This store holds nothing for neuron 99:5")
        .contains("whether the model has this neuron is not known");
    assertThat(browser.findElement(By.id("suggestions")).getText()).doesNotContain("→");
    open("/neurons/0/99999?store=1");
    assertThat(await(By.id("absent")).getText())
        .startsWith("Neuron 0:99999 does not exist: each layer has 192 neurons (0 to 191).");
    assertThat(browser.findElements(By.cssSelector("#suggestions a"))).hasSize(2);
  }

  @Test
  void anUnreadableFileLeavesOverviewAndSearchWorkingAndIsListedInWords() throws Exception {
    open("/");
    WebElement bad = await(By.id("bad-files"));
    assertThat(bad.getText()).startsWith("2 files could not be read and are left out");
    bad.findElement(By.tagName("summary")).click();
    assertThat(bad.getText())
        .contains(
            "explanations/1/7.jsonl: cannot be read (permission denied: /srv/store/"
                + "explanations/1/7.jsonl)")
        .contains("explanations/0/3.jsonl: line 1, column 46: Unexpected end-of-input");
    assertThat(browser.findElement(By.cssSelector(".summary")).getText())
        .contains("2 neurons explained (")
        .contains("The model has 2 layers of 192 neurons.");
    assertPlain(browser.findElement(By.tagName("body")).getText());
    screenshot("overview-unreadable-file.png");

    open("/search?q=Canada");
    assertThat(await(By.cssSelector("#results")).getText()).contains("0:1");
    assertPlain(browser.findElement(By.tagName("body")).getText());

    open("/neurons/1/7");
    assertThat(await(By.cssSelector("#explanation .notice.error")).getText())
        .isEqualTo(
            "explanations/1/7.jsonl cannot be read (permission denied: /srv/store/"
                + "explanations/1/7.jsonl)");
  }

  @Test
  void theStoreOnlyRunsListAndRunPageShowDoneCountsOneNoticeAndPlainReasons() throws Exception {
    open("/runs");
    WebElement row = await(By.cssSelector("#runs tr:nth-child(2)"));
    List<WebElement> cells = row.findElements(By.tagName("td"));
    assertThat(cells.get(3).getText()).as("done").isEqualTo("2");
    assertThat(cells.get(4).getText()).as("failed").isEqualTo("1");

    open("/runs/" + TinyModelStore.RUN);
    WebElement failures = await(By.id("failures"));
    assertThat(failures.getText())
        .contains("the explainer's answer had no explanation")
        .doesNotContain("PermanentException");
    assertThat(browser.findElements(By.cssSelector("#main .notice.info"))).hasSize(1);
    assertPlain(browser.findElement(By.tagName("body")).getText());
    screenshot("run-page-store-only.png");
  }
}
