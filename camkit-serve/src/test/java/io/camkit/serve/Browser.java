package io.camkit.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven by its own chromedriver, both named by path so that nothing is ever
 * downloaded (system properties {@code camkit.chromium} and {@code camkit.chromedriver} override
 * {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}). A missing browser fails the test
 * with the command that installs it ({@code .ci/browsers}); it never skips.
 */
final class Browser {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private Browser() {}

  static ChromeDriver start(Path profile) {
    File chromium = new File(System.getProperty("camkit.chromium", "/usr/bin/chromium"));
    File driver = new File(System.getProperty("camkit.chromedriver", "/usr/bin/chromedriver"));
    assertThat(chromium).as("Chromium is needed for the browser tests: run .ci/browsers (apt-get install chromium"
        + " chromium-driver)").exists();
    assertThat(driver).as("chromedriver is needed for the browser tests: run .ci/browsers").exists();
    ChromeOptions o = new ChromeOptions();
    o.setBinary(chromium);
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,1100");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort()
        .build();
    ChromeDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return d;
  }

  static void screenshot(ChromeDriver d, String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    File f = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
