package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The neuron page's explanation rounds in a real headless Chromium, over a hand-written store. */
@ExtendWith(HeadlessChromium.class)
class NeuronRoundsBrowserIT {

  @TempDir static Path temp;
  private static ViewerServer server;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    browser = HeadlessChromium.start(temp.resolve("profile"));
    Path store = RoundsFixture.write(Files.createDirectories(temp.resolve("store")));
    server =
        ViewerServer.start(
            new ViewerService(new LocalDirectoryStore(store), Optional.empty()), "127.0.0.1", 0);
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

  @Test
  void eachExplanationSaysItsRoundTheBestIsMarkedAndWhyRevisionStopped() {
    open("/neurons/21/2932");
    await(By.cssSelector("#explanation .round"));

    List<String> rounds =
        browser.findElements(By.cssSelector("#explanation .explanation .round")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(rounds)
        .containsExactly(
            "#1 · round 0",
            "#2 · round 0",
            "#3 · revision 1 of #1 · best by detection",
            "#4 · revision 2 of #3");
    WebElement best = browser.findElement(By.cssSelector("#explanation .explanation.best"));
    assertThat(best.findElement(By.cssSelector(".text")).getText())
        .isEqualTo(RoundsFixture.TEXTS.get(2));
    assertThat(browser.findElements(By.cssSelector("#explanation .explanation.best"))).hasSize(1);
    assertThat(browser.findElement(By.id("rounds-stopped")).getText())
        .isEqualTo("Revision stopped early: " + RoundsFixture.STOPPED + ".");
  }

  @Test
  void aRoundsFileOfOtherExplanationsSaysNothingAndAnUnreadableOneIsAnError() {
    open("/neurons/9/388");
    await(By.cssSelector("#explanation .text"));
    assertThat(browser.findElements(By.cssSelector("#explanation .round"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("#explanation .notice.error"))).isEmpty();

    open("/neurons/6/1017");
    await(By.cssSelector("#explanation .text"));
    assertThat(browser.findElements(By.cssSelector("#explanation .round"))).isEmpty();
    assertThat(browser.findElement(By.cssSelector("#explanation .notice.error")).getText())
        .contains("rounds/6/1017.json");
  }
}
