package io.camkit.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.Box;
import io.camkit.core.HeatMap;
import io.camkit.localize.ThresholdLocalizer;
import io.camkit.pipeline.ClassResult;
import io.camkit.pipeline.Explainer;
import io.camkit.pipeline.ImageResult;
import io.camkit.pipeline.MapRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real Chromium: upload and see an overlay, compare methods, move τ and get the
 * library's box, browse and sort a dataset, read an evaluation, and see the reason for a bad
 * upload. Screenshots go to {@code target/screenshots/}.
 */
class ServeBrowserTest {
  @TempDir static Path dir;
  static ServeFixtures fx;
  static CamkitServer server;
  static ChromeDriver driver;
  static WebDriverWait wait;
  static Path upload;

  @BeforeAll
  static void start() throws IOException {
    fx = new ServeFixtures(dir);
    server = fx.server(ServeFixtures.loopback());
    upload = dir.resolve("shape-3.png");
    Files.write(upload, ServeApiTest.png(fx.shapes.get(3).image()));
    driver = Browser.start(dir.resolve("profile"));
    wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // elements of a redrawn view: read again
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @BeforeEach
  void open() {
    driver.get("http://127.0.0.1:" + server.port() + "/");
    wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
  }

  static void uploadWith(String... methods) {
    for (WebElement box : driver.findElements(By.cssSelector("#methods input"))) {
      boolean want = List.of(methods).contains(box.getDomAttribute("value"));
      if (box.isSelected() != want) {
        box.click();
      }
    }
    driver.findElement(By.id("file")).sendKeys(upload.toAbsolutePath().toString());
    wait.until(d -> d.findElements(By.cssSelector("#results .card")).size() == methods.length);
  }

  static ClassResult library(String method, double tau) {
    return new Explainer(fx.model, MapRequest.of(method).withTau(tau)).explain(fx.shapes.get(3).image(), "x").first();
  }

  static String xywh(Optional<Box> b) {
    if (b.isEmpty()) {
      return "none";
    }
    int[] v = b.get().toXywh();
    return v[0] + "," + v[1] + "," + v[2] + "," + v[3];
  }

  static String boxAt(ClassResult r, double tau) {
    return xywh(new ThresholdLocalizer(tau).localizeNormalised(r.normalized()).box());
  }

  /** Fraction of the first card's pixels that differ between opacity 0 (the image) and the slider's opacity. */
  static double overlayCoverage() {
    Object f = driver.executeScript("const c = document.querySelector('.card canvas');"
        + "const op = document.getElementById('opacity'); const keep = op.value;"
        + "const grab = () => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + "const withMap = grab(); op.value = '0'; op.dispatchEvent(new Event('input')); const plain = grab();"
        + "op.value = keep; op.dispatchEvent(new Event('input'));"
        + "let n = 0; for (let i = 0; i < plain.length; i += 4) { if (Math.abs(plain[i] - withMap[i])"
        + " + Math.abs(plain[i + 1] - withMap[i + 1]) + Math.abs(plain[i + 2] - withMap[i + 2]) > 12) n++; }"
        + "return n / (plain.length / 4);");
    return ((Number) f).doubleValue();
  }

  @Test
  void uploadAnImageAndSeeANonEmptyOverlayAndTheTopClasses() throws IOException {
    uploadWith("cam");
    assertThat(overlayCoverage()).as("share of pixels the heat map changes at opacity 0.5").isGreaterThan(0.5);
    ImageResult lib = new Explainer(fx.model, MapRequest.of("cam")).explain(fx.shapes.get(3).image(), "x");
    List<WebElement> rows = driver.findElements(By.cssSelector("#predictions tr"));
    assertThat(rows).hasSize(5);
    assertThat(rows.get(0).findElement(By.tagName("td")).getText()).isEqualTo(lib.predicted().className());
    WebElement card = driver.findElement(By.cssSelector(".card"));
    assertThat(card.getDomAttribute("data-tau")).isEqualTo("0.35");
    assertThat(card.getDomAttribute("data-box")).isEqualTo(boxAt(library("cam", 0.35), 0.35));
    assertThat(driver.findElement(By.id("timings")).getText()).contains("cam", "total");
    Browser.screenshot(driver, "01-upload-cam-overlay");
  }

  @Test
  void dropAnImageOnThePage() {
    // a real drop event carrying a File, as the browser makes one when a file is dragged from the desktop
    driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/api/datasets/data/image/3').then(r => r.blob()).then(b => {"
        + "  const dt = new DataTransfer(); dt.items.add(new File([b], 'dropped.png', {type: 'image/png'}));"
        + "  document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true,"
        + "  cancelable: true})); done(); });");
    wait.until(d -> d.findElements(By.cssSelector("#results .card")).size() == 1);
    assertThat(driver.findElement(By.id("source")).getText()).startsWith("dropped.png");
    WebElement card = driver.findElement(By.cssSelector(".card"));
    assertThat(card.getDomAttribute("data-box")).isEqualTo(boxAt(library("cam", 0.35), 0.35));
  }

  @Test
  void compareTwoMethodsSideBySide() throws IOException {
    uploadWith("cam", "gradcam");
    List<WebElement> cards = driver.findElements(By.cssSelector("#results .card"));
    assertThat(cards.stream().map(c -> c.getDomAttribute("data-method")).toList()).containsExactly("cam", "gradcam");
    double tau = Double.parseDouble(cards.get(0).getDomAttribute("data-tau"));
    assertThat(cards.get(0).getDomAttribute("data-box")).isEqualTo(boxAt(library("cam", tau), tau));
    assertThat(cards.get(1).getDomAttribute("data-box")).isEqualTo(boxAt(library("gradcam", tau), tau));
    assertThat(cards.get(1).getText()).contains("no τ* for gradcam");
    Browser.screenshot(driver, "02-compare-cam-gradcam");
  }

  @Test
  void movingTauRedrawsTheBoxTheLibraryGivesAtThatTau() throws IOException {
    uploadWith("gradcam");
    ClassResult lib = library("gradcam", 0.2);
    WebElement slider = driver.findElement(By.id("tau"));
    WebElement card = driver.findElement(By.cssSelector(".card"));
    List<String> boxes = new ArrayList<>();
    int[] steps = {15, 15, 20, 20, -60, -15};
    for (int s : steps) {
      for (int k = 0; k < Math.abs(s); k++) {
        slider.sendKeys(s > 0 ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT);
      }
      double tau = Double.parseDouble(card.getDomAttribute("data-tau"));
      assertThat(tau).isEqualTo(Double.parseDouble(slider.getDomProperty("value")));
      assertThat(card.getDomAttribute("data-box")).as("τ = " + tau).isEqualTo(boxAt(lib, tau));
      boxes.add(card.getDomAttribute("data-box"));
      if (tau == 0.7) {
        Browser.screenshot(driver, "03-tau-0.70");
      }
    }
    assertThat(boxes.stream().distinct().count()).as("the box changes as τ moves: " + boxes).isGreaterThan(1);
  }

  @Test
  void theBrowsersBoxRuleEqualsTheLibrarysOnMapsWithTiesAndManyRegions() {
    Random rnd = new Random(11);
    double[] taus = {0, 0.2, 0.25, 0.5, 0.75, 1};
    List<List<Double>> maps = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int m = 0; m < 60; m++) {
      int w = 3 + rnd.nextInt(14);
      int h = 3 + rnd.nextInt(14);
      float[] v = new float[w * h];
      for (int i = 0; i < v.length; i++) {
        v[i] = rnd.nextInt(5) / 4f; // few levels: equal-sized regions and ties at τ
      }
      v[rnd.nextInt(v.length)] = 1f;
      List<Double> list = new ArrayList<>();
      list.add((double) w);
      list.add((double) h);
      for (float f : v) {
        list.add((double) f);
      }
      maps.add(list);
      for (double tau : taus) {
        expected.add(xywh(new ThresholdLocalizer(tau).localizeNormalised(new HeatMap(w, h, v)).box()));
      }
    }
    @SuppressWarnings("unchecked")
    List<String> got = (List<String>) driver.executeScript("const out = [];"
        + "for (const m of arguments[0]) { const w = m[0], h = m[1], v = Float32Array.from(m.slice(2));"
        + "  for (const t of arguments[1]) { const b = camkitBox.boxAt(v, w, h, t); out.push(b ? b.join(',') : 'none'); } }"
        + "return out;", maps, IntStream.range(0, taus.length).mapToObj(i -> taus[i]).toList());
    assertThat(got).isEqualTo(expected);
    assertThat(expected.stream().distinct().count()).isGreaterThan(30);
  }

  @Test
  void browseTheDatasetSortedByIouThenExplainOne() throws IOException {
    driver.findElement(By.id("tab-dataset")).click();
    new Select(driver.findElement(By.id("sort"))).selectByValue("iou");
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#grid .thumb"), 12));
    Explainer ex = new Explainer(fx.model, MapRequest.of("cam").withTau(ServeFixtures.CAM_TAU));
    List<double[]> lib = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ClassResult r = ex.explain(fx.shapes.get(i).image(), "x").first();
      int c = r.classIndex();
      double iou = 0;
      for (var o : fx.shapes.get(i).objects()) {
        if (o.classIndex() == c && r.box().isPresent()) {
          iou = Math.max(iou, r.box().get().iou(o.box()));
        }
      }
      lib.add(new double[] {i, iou});
    }
    List<String> expected = lib.stream().sorted(Comparator.<double[]>comparingDouble(a -> a[1])
        .thenComparingDouble(a -> a[0])).map(a -> Integer.toString((int) a[0])).toList();
    // The grid is redrawn while scores arrive: an element read during a redraw is stale, so every
    // read below is retried until it sees one whole grid.
    var grid = wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    grid.until(d -> d.findElements(By.cssSelector("#grid .thumb")).stream().map(e -> e.getDomAttribute("data-index"))
        .toList().equals(expected));
    List<Double> ious = grid.until(d -> d.findElements(By.cssSelector("#grid .thumb")).stream()
        .map(e -> Double.parseDouble(e.getDomAttribute("data-iou"))).toList());
    assertThat(ious).isSorted();
    Browser.screenshot(driver, "04-dataset-sorted-by-iou");
    grid.until(d -> {
      d.findElements(By.cssSelector("#grid .thumb")).get(11).click();
      return true;
    });
    wait.until(d -> d.findElements(By.cssSelector("#results .card")).size() == 1);
    assertThat(driver.findElement(By.id("source")).getText()).startsWith("data / ");
    Browser.screenshot(driver, "05-dataset-image-explained");
  }

  @Test
  void aBadUploadShowsTheServersReason() throws IOException {
    Path bad = dir.resolve("notes.png");
    Files.writeString(bad, "these are notes, not a picture");
    driver.findElement(By.id("file")).sendKeys(bad.toAbsolutePath().toString());
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
    assertThat(error.getText()).contains("notes.png").contains("not a readable image");
    assertThat(driver.findElements(By.cssSelector("#results .card"))).isEmpty();
    Browser.screenshot(driver, "06-bad-upload");
  }

  @Test
  void theEvaluationFolderWithItsCurveAndSheets() throws IOException {
    driver.findElement(By.id("tab-evaluation")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("curve")));
    List<WebElement> methods = driver.findElements(By.cssSelector("#methods-table tr"));
    assertThat(methods).hasSize(3);
    assertThat(methods.get(2).getText()).startsWith("gradcam");
    com.fasterxml.jackson.databind.JsonNode metrics = Http.JSON.readTree(fx.evaluation.dir().resolve("metrics.json")
        .toFile());
    double best = 0;
    for (com.fasterxml.jackson.databind.JsonNode p : metrics.path("maxBoxAccCurve")) {
      best = Math.max(best, p.path("gtKnownLoc").asDouble());
    }
    assertThat(Double.parseDouble(driver.findElement(By.id("curve")).getDomAttribute("data-best"))).isEqualTo(best);
    String table = driver.findElement(By.id("metrics-table")).getText();
    for (String key : List.of("meanIou", "pxap", "top1Accuracy")) {
      double v = metrics.path("metrics").path(key).asDouble();
      assertThat(v).as(key).isPositive();
      assertThat(table).contains(key + " " + String.format(java.util.Locale.ROOT, "%.3f", v));
    }
    // the fixed-box baselines stand beside the figures (they may be 0 on small shapes)
    for (String key : List.of("centredBaseline", "centredBaselineV2", "wholeImageBaseline", "wholeImageBaselineV2")) {
      assertThat(metrics.path("metrics").path(key).isNumber()).as(key).isTrue();
      assertThat(table).contains(key + " ");
    }
    assertThat(driver.findElement(By.id("methods-table")).getText()).contains("centred ½-area box GT-known");
    wait.until(d -> Boolean.TRUE.equals(driver.executeScript("const i = document.querySelector('.sheets img');"
        + " return i !== null && i.complete && i.naturalWidth > 0;")));
    Browser.screenshot(driver, "07-evaluation");
  }
}
