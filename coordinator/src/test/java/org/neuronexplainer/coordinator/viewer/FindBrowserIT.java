package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Finding neurons by what they fire on, their density, export and permalinks, in Chromium. */
@ExtendWith(HeadlessChromium.class)
class FindBrowserIT {

  @TempDir static Path temp;
  private static ViewerServer server;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    browser = HeadlessChromium.start(temp.resolve("profile"));
    Path store = FindFixture.write(Files.createDirectories(temp.resolve("store")));
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

  private static List<String> hitNeurons() {
    await(By.id("result-count"));
    return browser.findElements(By.cssSelector(".hit > a")).stream()
        .map(WebElement::getText)
        .toList();
  }

  @Test
  void theSearchPageFindsNeuronsByAToken() throws Exception {
    open("/search");
    await(By.cssSelector("#modes input[value=tokens]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.urlContains("mode=tokens"));
    WebElement query = await(By.id("q"));
    query.sendKeys("Canada");
    browser.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    assertThat(hitNeurons()).containsExactly("Neuron 21:2932", "Neuron 6:1017");
    assertThat(browser.findElement(By.id("result-count")).getText())
        .isEqualTo("2 neurons fire on “canada”");
    assertThat(browser.findElement(By.id("hit-legend")).getText())
        .isEqualTo(
            "Each neuron: its largest activation on it its explanation's score its density and its"
                + " explanation.");
    List<WebElement> activations = browser.findElements(By.cssSelector(".hit .activation-chip"));
    assertThat(activations.get(0).getText()).isEqualTo("4.91");
    assertThat(activations.get(1).getText()).isEqualTo("2.00");
    assertThat(browser.findElement(By.cssSelector(".hit .hit-text")).getText())
        .isEqualTo(ViewerFixture.CANADA);
    screenshot("token-search.png");
  }

  @Test
  void clickingATokenInAHeatMapListsTheNeuronsThatFireMostOnIt() {
    open("/neurons/21/2932");
    await(By.cssSelector("#activations .tok"));
    WebElement canada =
        browser.findElements(By.cssSelector("#activations .tok")).stream()
            .filter(t -> t.getText().equals(" Canada"))
            .findFirst()
            .orElseThrow();
    canada.click();
    WebElement first = await(By.cssSelector("#token-popover li a"));
    assertThat(first.getText()).isEqualTo("21:2932");
    assertThat(browser.findElements(By.cssSelector("#token-popover li"))).hasSize(2);
    await(By.id("popover-all")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.urlContains("/search?mode=tokens&q=Canada"));
    assertThat(hitNeurons()).containsExactly("Neuron 21:2932", "Neuron 6:1017");
  }

  @Test
  void theNeuronPageShowsItsDensityAndTheFilterFindsDeadAndAlwaysOnNeurons() {
    open("/neurons/21/2932");
    assertThat(await(By.id("density-value")).getText()).isEqualTo("33.3 %");
    assertThat(browser.findElement(By.id("density")).getText())
        .contains("above 0 on 2 of the 6 tokens of its random sample");
    open("/neurons/14/2203");
    assertThat(await(By.id("density")).getText()).contains("Density 0.0 %").contains("dead");

    open("/search");
    await(By.id("only-always-on")).click();
    assertThat(hitNeurons()).containsExactly("Neuron 6:1017");
    assertThat(browser.findElement(By.id("minDensity")).getAttribute("value")).isEqualTo("0.99");
    await(By.id("only-dead")).click();
    assertThat(hitNeurons()).containsExactly("Neuron 14:2203");
    // A range typed in the form.
    await(By.id("any-density")).click();
    await(By.id("minDensity")).sendKeys("0.2");
    browser.findElement(By.id("maxDensity")).sendKeys("0.5");
    browser.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    assertThat(hitNeurons()).containsExactly("Neuron 21:2932");
    assertThat(browser.findElement(By.cssSelector(".hit .density-chip")).getText())
        .isEqualTo("33.3 %");
  }

  @Test
  void theExportLinksDownloadTheResultsAsShown() throws Exception {
    open("/search?q=canada");
    WebElement csv = await(By.id("export-csv"));
    assertThat(csv.getAttribute("download")).isNotNull();
    String href = csv.getAttribute("href");
    assertThat(href).contains("/api/viewer/export?format=csv&q=canada");
    HttpResponse<String> response = ViewerHttp.get(server, href.substring(href.indexOf("/api/")));
    assertThat(response.statusCode()).isEqualTo(200);
    List<List<String>> rows = FindApiTest.parseCsv(response.body());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).subList(0, 4)).containsExactly("21", "2932", "0", ViewerFixture.CANADA);
    assertThat(await(By.id("export-jsonl")).getAttribute("href")).contains("format=jsonl");

    open("/");
    await(By.cssSelector("a.layer-link")).click();
    assertThat(hitNeurons()).hasSize(1);
    assertThat(browser.findElement(By.id("export-csv")).getAttribute("href"))
        .contains("minLayer=6&maxLayer=6");
  }

  @Test
  void aSearchsAddressBringsTheSameViewBackOnReload() {
    open("/search?mode=tokens");
    await(By.id("q")).sendKeys("Canada");
    await(By.id("minDensity")).sendKeys("0.5");
    browser.findElement(By.cssSelector("#search-form button[type=submit]")).click();
    assertThat(hitNeurons()).containsExactly("Neuron 6:1017");
    String address = browser.getCurrentUrl();
    assertThat(address).contains("mode=tokens").contains("q=Canada").contains("minDensity=0.5");

    browser.navigate().refresh();
    assertThat(hitNeurons()).containsExactly("Neuron 6:1017");
    assertThat(browser.findElement(By.id("q")).getAttribute("value")).isEqualTo("Canada");
    assertThat(browser.findElement(By.id("minDensity")).getAttribute("value")).isEqualTo("0.5");
    assertThat(browser.findElement(By.cssSelector("#modes input[value=tokens]")).isSelected())
        .isTrue();

    // Opened afresh in another tab of the same browser, the address shows the same.
    open("/");
    browser.get(address);
    assertThat(hitNeurons()).containsExactly("Neuron 6:1017");
    WebElement copy = await(By.id("copy-link"));
    copy.click();
    new WebDriverWait(browser, Duration.ofSeconds(5))
        .until(
            d ->
                d.findElements(By.id("link-field")).size() == 1
                    || copy.getText().equals("Link copied"));
    if (!browser.findElements(By.id("link-field")).isEmpty()) {
      assertThat(browser.findElement(By.id("link-field")).getAttribute("value")).isEqualTo(address);
    }
  }

  @Test
  void aNeuronPagesAddressCanNameAPane() {
    open("/neurons/21/2932?pane=related-tokens");
    await(By.cssSelector("#main[data-find-ready=true]"));
    // Scrolled to the pane: at the top of the window, or as far as the page goes.
    Object placed =
        browser.executeScript(
            "const top = document.getElementById('related-tokens').getBoundingClientRect().top;"
                + " const end = window.scrollY + window.innerHeight"
                + " >= document.documentElement.scrollHeight - 2;"
                + " return window.scrollY > 0 && top >= -2 && (top <= 2 || end);");
    assertThat(placed).isEqualTo(true);
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
}
