package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page (liberty-apps/web) in a real browser against the running platform: Debian's
 * chromium, headless, driven by Debian's chromium-driver through Selenium. One browser session and
 * one fresh user for the whole class; the tests run in order and build on each other (the list of
 * the first is the one the next ones change). Screenshots go to target/screenshots; with
 * -Dweb.screenshot=&lt;file&gt; the one with a reminder on screen is also copied there (how
 * docs/img/web-page.png is made).
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageIT {

  private static final String PAGE = Platform.app("realtime-service") + "/app/";
  private static final Path SHOTS = Path.of("target/screenshots");

  private final TaskApi api = new TaskApi("web-" + UUID.randomUUID());
  private ChromeDriver browser;
  private WebDriverWait wait;

  @BeforeAll
  void openBrowser() throws IOException {
    String chromium = System.getProperty("web.chromium", "/usr/bin/chromium");
    String driver = System.getProperty("web.chromedriver", "/usr/bin/chromedriver");
    assertTrue(
        new File(chromium).canExecute() && new File(driver).canExecute(),
        "WebPageIT needs Debian's chromium and chromium-driver (./dev test installs them)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1000,1300",
        "--lang=en-US");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) browser.quit();
  }

  private Path screenshot(String name) throws IOException {
    Path to = SHOTS.resolve(name + ".png");
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    return to;
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  /** The titles shown, read in one script: the list re-renders whenever events arrive. */
  @SuppressWarnings("unchecked")
  private List<String> shownTitles() {
    return (List<String>)
        js(
            "return [...document.querySelectorAll('#task-list li.task .title')]"
                + ".map(e => e.textContent)");
  }

  @SuppressWarnings("unchecked")
  private Set<String> shownIds() {
    return Set.copyOf(
        (List<String>)
            js(
                "return [...document.querySelectorAll('#task-list li.task')]"
                    + ".map(e => e.dataset.id)"));
  }

  /** The text of the element {@code css} selects, or null. */
  private String text(String css) {
    return (String)
        js("const e = document.querySelector(arguments[0]); return e && e.textContent", css);
  }

  /** Clicks what {@code css} selects, again if a re-render replaced it meanwhile. */
  private void click(String css) {
    wait.until(
        d -> {
          d.findElement(By.cssSelector(css)).click();
          return true;
        });
  }

  private void awaitLive() {
    wait.until(ExpectedConditions.attributeToBe(By.id("live"), "data-state", "live"));
  }

  /** Every task of the user by REST, whatever its status. */
  private Set<String> restIds() {
    HttpResponse<String> r = api.call("GET", "/tasks?limit=200", null);
    assertEquals(200, r.statusCode(), r.body());
    return Platform.json(r.body()).getJsonArray("items").stream()
        .map(v -> v.asJsonObject().getString("id"))
        .collect(Collectors.toSet());
  }

  private JsonObject reminder(String reminderId) {
    HttpResponse<String> r =
        Platform.send(
            HttpRequest.newBuilder(
                    URI.create(Platform.app("notification-service") + "/api/v1/reminders"))
                .header("Authorization", "Bearer " + api.token())
                .GET());
    assertEquals(200, r.statusCode(), r.body());
    for (JsonValue v : Platform.json(r.body()).getJsonArray("items")) {
      if (v.asJsonObject().getString("id").equals(reminderId)) return v.asJsonObject();
    }
    throw new AssertionError("no reminder " + reminderId);
  }

  @Test
  @Order(1)
  void signInThenCreateATaskAndSeeItListed() throws IOException {
    browser.get(PAGE);
    WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    token.sendKeys("not a token");
    browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "not"));

    // found again: the page may have drawn the form anew to show the error
    token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    token.clear();
    token.sendKeys(api.token());
    browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-title-input")));
    assertTrue(browser.findElement(By.id("who")).getText().contains(api.user));
    awaitLive();
    // the page is never reloaded from here on: a marker that a reload would lose
    js("window.__sameDocument = true");

    browser.findElement(By.id("new-title-input")).sendKeys("Buy oat milk");
    browser.findElement(By.id("new-tags")).sendKeys("Shopping, home");
    new Select(browser.findElement(By.id("new-priority"))).selectByValue("high");
    browser.findElement(By.cssSelector("#new-task button[type=submit]")).click();

    wait.until(d -> shownTitles().contains("Buy oat milk"));
    Set<String> ids = restIds();
    assertEquals(1, ids.size(), "exactly one task was created");
    JsonObject task =
        Platform.json(api.call("GET", "/tasks/" + ids.iterator().next(), null).body());
    assertEquals("high", task.getString("priority"));
    assertEquals(
        List.of("shopping", "home"),
        task.getJsonArray("tags").getValuesAs(jakarta.json.JsonString::getString));
    String meta = text("li.task[data-id='" + task.getString("id") + "'] .meta");
    assertTrue(meta.contains("High priority") && meta.contains("shopping"), meta);
    screenshot("1-created");
  }

  @Test
  @Order(2)
  void aChangeMadeByRestElsewhereAppearsLive() {
    JsonObject other =
        api.create(
            "{\"title\":\"Water the plants\",\"recurrence\":{\"rule\":\"FREQ=WEEKLY;BYDAY=MO,TH\"},"
                + "\"dueAt\":\""
                + Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS)
                + "\"}");
    String meta = "li.task[data-id='" + other.getString("id") + "'] .meta";
    wait.until(d -> String.valueOf(text(meta)).contains("Every week on Monday and Thursday"));

    HttpResponse<String> renamed =
        api.call("PATCH", "/tasks/" + other.getString("id"), "{\"title\":\"Water the ferns\"}");
    assertEquals(200, renamed.statusCode(), renamed.body());
    wait.until(d -> shownTitles().contains("Water the ferns"));
    assertFalse(shownTitles().contains("Water the plants"));
    assertEquals(true, js("return window.__sameDocument === true"), "the page was not reloaded");
  }

  @Test
  @Order(3)
  void completeReopenAndEditFromThePage() {
    new Select(browser.findElement(By.id("f-status")))
        .selectByValue(""); // all: a completed task stays in view
    String id =
        restIds().stream()
            .filter(i -> api.call("GET", "/tasks/" + i, null).body().contains("Buy oat milk"))
            .findFirst()
            .orElseThrow();
    wait.until(d -> shownIds().size() == 2);

    click("li.task[data-id='" + id + "'] input.done");
    wait.until(
        ExpectedConditions.attributeToBe(
            By.cssSelector("li.task[data-id='" + id + "']"), "data-status", "completed"));
    assertEquals(
        "completed",
        Platform.json(api.call("GET", "/tasks/" + id, null).body()).getString("status"));

    click("li.task[data-id='" + id + "'] input.done");
    wait.until(
        ExpectedConditions.attributeToBe(
            By.cssSelector("li.task[data-id='" + id + "']"), "data-status", "open"));
    assertEquals(
        "open", Platform.json(api.call("GET", "/tasks/" + id, null).body()).getString("status"));

    // edit: the form sends only what changed (title and priority here)
    String item = "li.task[data-id='" + id + "']";
    click(item + " .edit");
    WebElement title =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(item + " form input[name=title]")));
    title.clear();
    title.sendKeys("Buy oat milk and bread");
    new Select(browser.findElement(By.cssSelector(item + " form select[name=priority]")))
        .selectByValue("low");
    click(item + " form button[type=submit]");
    wait.until(d -> shownTitles().contains("Buy oat milk and bread"));
    JsonObject edited = Platform.json(api.call("GET", "/tasks/" + id, null).body());
    assertEquals("low", edited.getString("priority"));
    assertEquals(JsonValue.NULL, edited.get("dueAt"));
    assertEquals(2, edited.getJsonArray("tags").size(), "tags untouched");
  }

  @Test
  @Order(4)
  void aReminderAppearsSnoozeMovesItDoneAcknowledgesIt() throws IOException {
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      // the page is closed while the first reminder fires; the second fires while it is open
      browser.get("about:blank");
      Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
      JsonObject task =
          api.create(
              "{\"title\":\"Call the plumber\",\"dueAt\":\""
                  + at.plusSeconds(3600)
                  + "\",\"reminders\":[{\"at\":\""
                  + at
                  + "\"},{\"at\":\""
                  + at.plusSeconds(8)
                  + "\"}]}");
      String first = task.getJsonArray("reminders").getJsonObject(0).getString("id");
      String second = task.getJsonArray("reminders").getJsonObject(1).getString("id");
      Platform.awaitTrue(
          Duration.ofSeconds(60),
          "the first reminder pending for the user at realtime-service",
          () ->
              Platform.state("realtime-service", "rt|pending|" + api.user)
                  .map(p -> p.toString().contains(first))
                  .orElse(false));

      browser.get(PAGE); // signed in still: the token is kept for the tab
      awaitLive();
      js("window.__sameDocument = true");
      WebDriverWait slow = new WebDriverWait(browser, Duration.ofSeconds(60));
      By firstCard = By.cssSelector("li.reminder[data-reminder='" + first + "']");
      By secondCard = By.cssSelector("li.reminder[data-reminder='" + second + "']");
      wait.until(ExpectedConditions.visibilityOfElementLocated(firstCard));
      slow.until(ExpectedConditions.visibilityOfElementLocated(secondCard));
      assertTrue(browser.findElement(firstCard).getText().contains("Call the plumber"));
      Path shot = screenshot("4-reminders");
      String copyTo = System.getProperty("web.screenshot", "");
      if (!copyTo.isBlank()) {
        Files.copy(shot, Path.of(copyTo), StandardCopyOption.REPLACE_EXISTING);
      }

      Instant snoozedAt = Instant.now();
      browser.findElement(firstCard).findElement(By.className("snooze-10m")).click();
      wait.until(ExpectedConditions.invisibilityOfElementLocated(firstCard));
      Platform.awaitTrue(
          Duration.ofSeconds(20),
          "reminder " + first + " snoozed",
          () -> "snoozed".equals(reminder(first).getString("status")));
      Instant fireAt = Instant.parse(reminder(first).getString("fireAt"));
      assertTrue(
          !fireAt.isBefore(snoozedAt.plus(Duration.ofMinutes(10)).minusSeconds(2))
              && fireAt.isBefore(Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(2)),
          "snoozed 10 minutes: " + fireAt);

      browser.findElement(secondCard).findElement(By.className("ack")).click();
      wait.until(ExpectedConditions.invisibilityOfElementLocated(secondCard));
      var delivered =
          events.poll(
              Duration.ofSeconds(20),
              seen ->
                  seen.stream()
                      .anyMatch(
                          r ->
                              r.value().contains("com.todo.reminder.delivered.v1")
                                  && r.value().contains(second)));
      assertTrue(
          delivered.stream()
              .anyMatch(
                  r ->
                      r.value().contains("com.todo.reminder.delivered.v1")
                          && r.value().contains(second)),
          "Done published reminder.delivered.v1 for " + second);
      Platform.awaitTrue(
          Duration.ofSeconds(20),
          "reminder " + second + " delivered",
          () -> "delivered".equals(reminder(second).getString("status")));
    }
  }

  @Test
  @Order(5)
  void afterTheWebSocketIsKilledThePageCatchesUpAndTheListIsComplete() throws IOException {
    awaitLive();
    new Select(browser.findElement(By.id("f-status"))).selectByValue(""); // all: as restIds()
    wait.until(d -> shownIds().equals(restIds()));
    List<String> before = List.copyOf(shownIds());
    // drop the socket as a failed network would, and stay away for 8 s
    js("window.todo.drop(8000)");
    wait.until(ExpectedConditions.attributeToBe(By.id("live"), "data-state", "offline"));
    JsonObject a = api.create("{\"title\":\"Made while offline 1\"}");
    JsonObject b = api.create("{\"title\":\"Made while offline 2\"}");
    assertEquals(
        200, api.call("POST", "/tasks/" + a.getString("id") + "/complete", null).statusCode());
    assertEquals(204, api.call("DELETE", "/tasks/" + before.get(0), null).statusCode());
    assertEquals(
        "offline",
        browser.findElement(By.id("live")).getAttribute("data-state"),
        "the changes were made while the page was disconnected");

    awaitLive();
    Set<String> expected = restIds();
    assertTrue(expected.contains(b.getString("id")) && !expected.contains(before.get(0)));
    wait.until(d -> shownIds().equals(expected));
    wait.until(
        ExpectedConditions.attributeToBe(
            By.cssSelector("li.task[data-id='" + a.getString("id") + "']"),
            "data-status",
            "completed"));
    assertEquals(true, js("return window.__sameDocument === true"), "the page was not reloaded");
    screenshot("5-after-reconnect");
  }
}
