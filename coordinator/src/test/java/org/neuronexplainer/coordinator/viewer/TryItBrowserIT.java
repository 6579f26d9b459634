package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The neuron page's "try it on your text" box in a real headless Chromium: typed text, a click, and
 * the heat maps of the activations and of the prediction; the how-to line where the viewer has no
 * model. The model is {@link FakeProbe}, whose values the test knows; the tiny GPT-2 behind the
 * same API is checked in the cli's ModelProbeTest.
 */
@ExtendWith(HeadlessChromium.class)
class TryItBrowserIT {

  @TempDir static Path temp;
  private static ViewerServer withModel;
  private static ViewerServer withoutModel;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    browser = HeadlessChromium.start(temp.resolve("profile"));
    Path store = ViewerFixture.write(Files.createDirectories(temp.resolve("store")));
    withModel =
        ViewerServer.start(
            ViewerStores.of(new ViewerService(new LocalDirectoryStore(store), Optional.empty())),
            Optional.of(
                new BoundedProbe(
                    new FakeProbe(true, ModelDims.GPT2_XL), BoundedProbe.Limits.DEFAULTS)),
            "127.0.0.1",
            0);
    withoutModel =
        ViewerServer.start(
            new ViewerService(new LocalDirectoryStore(store), Optional.empty()), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (withModel != null) {
      withModel.close();
    }
    if (withoutModel != null) {
      withoutModel.close();
    }
  }

  private static WebElement await(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  @Test
  void typedTextShowsTheNeuronsActivationsAndThePredictionAsHeatMaps() throws Exception {
    browser.get("http://127.0.0.1:" + withModel.port() + "/neurons/21/2932");
    WebElement text = await(By.id("try-text"));
    text.sendKeys("Snow fell on Canada and the lake");
    browser.findElement(By.id("try-run")).click();
    await(By.cssSelector("#try-it .try-reading .tok"));

    List<WebElement> real =
        browser.findElements(By.cssSelector("#try-it .try-reading .tokens:nth-of-type(1) .tok"));
    assertThat(real.stream().map(WebElement::getText))
        .containsExactly("Snow", " fell", " on", " Canada", " and", " the", " lake");
    // " Canada" is the longest word, so the fake's highest activation: the full colour.
    WebElement peak = real.get(3);
    assertThat(peak.getCssValue("background-color")).isEqualTo("rgba(40, 160, 70, 1)");
    assertThat(peak.getAttribute("title")).isEqualTo("activation 1759.80");
    assertThat(real.get(2).getCssValue("background-color")).isNotEqualTo("rgba(40, 160, 70, 1)");

    List<WebElement> predicted =
        browser.findElements(By.cssSelector("#try-it .try-reading .tokens:nth-of-type(2) .tok"));
    assertThat(predicted).hasSize(7);
    // The explanation shown names Canada: the fake predicts 10 there, the top of the scale.
    assertThat(predicted.get(3).getCssValue("background-color")).isEqualTo("rgba(70, 120, 220, 1)");
    assertThat(browser.findElement(By.cssSelector("#try-it .try-reading")).getText())
        .contains("Predicted by the simulator from the explanation");

    // The box sits right under the explanation.
    assertThat(
            browser.executeScript(
                "return document.getElementById('explanation').nextElementSibling.id"))
        .isEqualTo("try-it");

    browser.executeScript("document.getElementById('explanation').scrollIntoView()");
    Files.createDirectories(ViewerBrowserIT.SCREENSHOTS);
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(
        shot,
        ViewerBrowserIT.SCREENSHOTS.resolve("try-it-stand-in.png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void anEmptyTextIsAnsweredInPlainWords() {
    browser.get("http://127.0.0.1:" + withModel.port() + "/neurons/21/2932");
    await(By.id("try-text"));
    browser.findElement(By.id("try-run")).click();
    assertThat(await(By.cssSelector("#try-it .notice.error")).getText())
        .isEqualTo("Type a text for the model to read first.");
  }

  @Test
  void withoutAModelTheBoxSaysHowToGiveItOne() {
    browser.get("http://127.0.0.1:" + withoutModel.port() + "/neurons/21/2932");
    assertThat(await(By.cssSelector("#try-it .how-to")).getText()).contains("serve --model DIR");
    assertThat(browser.findElements(By.id("try-text"))).isEmpty();
  }
}
