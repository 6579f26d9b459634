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
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The pages in a real headless Chromium, over the fixture store. */
@ExtendWith(HeadlessChromium.class)
class ViewerBrowserIT {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir static Path temp;
  private static Path empty;
  private static ViewerServer server;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    browser = HeadlessChromium.start(temp.resolve("profile"));
    Path store = ViewerFixture.write(Files.createDirectories(temp.resolve("store")));
    empty = Files.createDirectories(temp.resolve("empty"));
    Path withSae = SaeFixture.write(Files.createDirectories(temp.resolve("with-sae")));
    ViewerStores stores =
        new ViewerStores(
            List.of(
                new ViewerStores.Entry(
                    "examples (invented data)",
                    new ViewerService(new LocalDirectoryStore(store), Optional.empty())),
                new ViewerStores.Entry(
                    "an empty store",
                    new ViewerService(new LocalDirectoryStore(empty), Optional.empty())),
                // Followed by its SAE's dataset, found by the viewer: store=3.
                new ViewerStores.Entry(
                    "a model with an SAE",
                    new ViewerService(new LocalDirectoryStore(withSae), Optional.empty()))));
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

  /** Saves the whole page as a test artifact, the window made as tall as the page. */
  private static void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Object height = browser.executeScript("return document.documentElement.scrollHeight");
    // The window includes a little browser chrome even when headless, hence the margin.
    browser.manage().window().setSize(new Dimension(1280, ((Number) height).intValue() + 200));
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    browser.manage().window().setSize(new Dimension(1280, 1000));
  }

  @Test
  void theNeuronPageShowsExplanationScoreAndHeatMaps() throws Exception {
    open("/neurons/21/2932");
    assertThat(await(By.cssSelector("h1")).getText()).isEqualTo("Neuron 21:2932");
    assertThat(await(By.cssSelector("#explanation .text")).getText())
        .isEqualTo("references to Canada and Canadian people, places and institutions");
    assertThat(browser.findElement(By.cssSelector("#explanation .score-value")).getText())
        .isEqualTo("0.97");
    List<WebElement> tokens = browser.findElements(By.cssSelector("#activations .tok"));
    assertThat(tokens).hasSizeGreaterThan(20);
    WebElement peak =
        tokens.stream().filter(t -> t.getText().equals(" Canada")).findFirst().orElseThrow();
    // The pane's maximum (4.91) is the full colour; white would be rgba(255, 255, 255, 1).
    assertThat(peak.getCssValue("background-color")).isEqualTo("rgba(40, 160, 70, 1)");
    assertThat(peak.getAttribute("title")).isEqualTo("activation 4.91");
    assertThat(browser.findElements(By.cssSelector("#distribution .histogram .bar"))).hasSize(40);
    assertThat(browser.findElement(By.cssSelector("#related-neurons")).getText())
        .contains("names of days of the week");

    browser.findElement(By.cssSelector("#explanation details.scoring summary")).click();
    assertThat(await(By.cssSelector("#explanation .scoring .sequence")).getText())
        .contains("Canada");

    screenshot("neuron-page.png");
  }

  @Test
  void eachExplanationShowsItsClassificationScoresAndTheExcerptsGotWrong() throws Exception {
    open("/neurons/21/2932");
    WebElement detection = await(By.cssSelector("#explanation .classification.detection"));
    assertThat(detection.findElement(By.cssSelector(".balanced-accuracy")).getText())
        .isEqualTo("balanced acc. 0.50");
    assertThat(detection.findElement(By.cssSelector(".auroc")).getText()).isEqualTo("AUROC 0.75");
    WebElement fuzzing =
        browser.findElement(By.cssSelector("#explanation .classification.fuzzing"));
    assertThat(fuzzing.findElement(By.cssSelector(".f1")).getText()).isEqualTo("F1 0.67");
    assertThat(fuzzing.findElement(By.cssSelector(".auroc")).getText())
        .as("no probabilities, no AUROC")
        .isEqualTo("AUROC –");

    detection.findElement(By.cssSelector("details.wrong summary")).click();
    List<WebElement> wrong =
        detection.findElements(By.cssSelector(".wrong-excerpt")).stream()
            .filter(WebElement::isDisplayed)
            .toList();
    assertThat(wrong).hasSize(2);
    assertThat(wrong.get(0).getText())
        .contains("missed: fires, answered silent")
        .contains("Toronto");
    assertThat(wrong.get(1).getText()).contains("false alarm: silent, answered fires");

    fuzzing.findElement(By.cssSelector("details.wrong summary")).click();
    WebElement marked = await(By.cssSelector(".classification.fuzzing .tok.highlighted"));
    assertThat(marked.getText()).isEqualTo(" said");

    screenshot("neuron-classifications.png");
  }

  @Test
  void anUnreadableClassificationFileIsAnErrorAndTheExplanationStillShows() {
    open("/neurons/9/388");
    await(By.cssSelector("#explanation .text"));
    assertThat(browser.findElement(By.cssSelector("#explanation .notice.error")).getText())
        .contains("classifications/detection/9/388.json");
    assertThat(browser.findElements(By.cssSelector("#explanation .classification"))).isEmpty();
  }

  @Test
  void aScriptTokenIsShownAsTextAndNeverRuns() {
    open("/neurons/21/2932");
    await(By.cssSelector("#activations .tok"));
    List<WebElement> hostile =
        browser.findElements(By.cssSelector(".tok, #related-tokens .chip")).stream()
            .filter(t -> t.getText().equals(ViewerFixture.SCRIPT_TOKEN))
            .toList();
    assertThat(hostile).as("the token in the random sample and the token chip").hasSize(2);
    // Only the page's own scripts, each from /static/: none came in with the token.
    assertThat(browser.findElements(By.tagName("script")))
        .isNotEmpty()
        .allSatisfy(
            script -> assertThat(script.getAttribute("src")).contains("/static/").endsWith(".js"));
    boolean alerted;
    try {
      browser.switchTo().alert();
      alerted = true;
    } catch (NoAlertPresentException e) {
      alerted = false;
    }
    assertThat(alerted).isFalse();
  }

  @Test
  void aMalformedFileIsAnErrorNamingItAndTheRestOfThePageRenders() {
    open("/neurons/9/388");
    assertThat(await(By.cssSelector("#explanation .text")).getText())
        .startsWith("the word \"thereof\"");
    assertThat(browser.findElement(By.cssSelector("#explanation .score-value")).getText())
        .isEqualTo("undefined");
    assertThat(browser.findElement(By.cssSelector("#activations .notice.error")).getText())
        .contains("collated-activations/9/388.json");
    assertThat(browser.findElement(By.cssSelector("#related-neurons")).getText())
        .contains("No related neurons in this store");
  }

  @Test
  void theStoreIsChosenInThePageAndKeptOnLinks() {
    open("/neurons/21/2932");
    await(By.cssSelector("#explanation .text"));
    new Select(browser.findElement(By.id("store"))).selectByVisibleText("an empty store");
    // The empty store holds nothing for the neuron, and does not know its model's size.
    assertThat(await(By.id("absent")).getText())
        .startsWith("This store holds nothing for neuron 21:2932");
    assertThat(browser.getCurrentUrl()).endsWith("/neurons/21/2932?store=1");
    assertThat(browser.findElement(By.cssSelector("#suggestions a")).getAttribute("href"))
        .endsWith("/?store=1");
  }

  @Test
  void searchFindsANeuronByAWordOfItsExplanation() throws Exception {
    open("/search");
    WebElement query = await(By.id("q"));
    query.sendKeys("institutions");
    browser.findElement(By.cssSelector("#search-form button")).click();
    WebElement hit = await(By.cssSelector(".hit a"));
    assertThat(hit.getText()).isEqualTo("Neuron 21:2932");
    assertThat(browser.findElement(By.id("result-count")).getText()).startsWith("1 matching");
    screenshot("search-page.png");
    hit.click();
    assertThat(await(By.cssSelector("h1")).getText()).isEqualTo("Neuron 21:2932");
  }

  @Test
  void theOverviewListsTheLayersAndTheJumpFormOpensANeuron() throws Exception {
    open("/");
    await(By.cssSelector("table.layers"));
    assertThat(browser.findElements(By.cssSelector("table.layers tr"))).hasSize(5);
    screenshot("overview-page.png");
    browser.findElement(By.cssSelector("#jump input[name=layer]")).sendKeys("6");
    browser.findElement(By.cssSelector("#jump input[name=neuron]")).sendKeys("1017");
    browser.findElement(By.cssSelector("#jump button")).click();
    assertThat(await(By.cssSelector("#explanation .text")).getText())
        .startsWith("names of days of the week");
    assertThat(browser.findElement(By.cssSelector("#activations")).getText())
        .contains("No collated activations in this store");
  }

  @Test
  void theOverviewsRefreshButtonShowsExplanationsWrittenSince() throws Exception {
    open("/?store=1");
    assertThat(await(By.cssSelector(".summary")).getText()).startsWith("0 neurons explained");
    assertThat(browser.findElements(By.cssSelector("table.layers tr"))).hasSize(1);
    Path file = empty.resolve("explanations/30/5.jsonl");
    Files.createDirectories(file.getParent());
    Files.copy(Path.of("..", "examples", "explanations", "21", "2932.jsonl"), file);

    browser.findElement(By.id("refresh-index")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("table.layers tr"), 2));
    assertThat(browser.findElement(By.cssSelector(".summary")).getText())
        .startsWith("1 neuron explained");
    assertThat(browser.findElement(By.cssSelector("table.layers")).getText()).contains("30:5");
  }

  @Test
  void anSaeLatentsPageSaysLatentAndNamesTheSae() throws Exception {
    open("/neurons/8/5?store=3");
    assertThat(await(By.cssSelector("h1")).getText()).isEqualTo("Latent 8:5");
    assertThat(browser.getTitle()).startsWith("Latent 8:5");
    assertThat(await(By.cssSelector("#explanation .text")).getText())
        .isEqualTo(SaeFixture.EXPLANATION);
    String subject = browser.findElement(By.id("subject")).getText();
    assertThat(subject)
        .contains("SAE " + SaeFixture.SAE)
        .contains("jumprelu")
        .contains("16 latents, 2 dead")
        .contains(SaeFixture.HOOK)
        .contains("GPT2LMHeadModel");
    assertThat(browser.findElement(By.id("random")).getText()).isEqualTo("Random latent");
    assertThat(browser.findElements(By.id("related-neurons")))
        .as("an SAE has no weight-based related neurons")
        .isEmpty();
    screenshot("sae-latent-page.png");

    open("/neurons/8/3?store=3");
    assertThat(await(By.cssSelector(".notice.info")).getText()).contains("Latent 8:3 is dead");

    open("/?store=3");
    assertThat(await(By.id("dead-latents")).getText())
        .startsWith("2 dead latents")
        .endsWith("3, 7.");
    assertThat(browser.findElement(By.cssSelector(".summary")).getText())
        .startsWith("1 latent explained");
    assertThat(browser.findElement(By.cssSelector("table.layers")).getText()).contains("8:5");
    screenshot("sae-overview-page.png");

    open("/?store=2");
    assertThat(await(By.id("subject")).getText())
        .isEqualTo("MLP neurons of gpt2-small-test (GPT2LMHeadModel), 3072 per layer.");
    assertThat(browser.findElement(By.id("random")).getText()).isEqualTo("Random neuron");
  }
}
