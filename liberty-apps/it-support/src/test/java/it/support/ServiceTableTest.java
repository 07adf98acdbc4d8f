package it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.support.ServiceUnderTest.Definition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * platform/services.tsv is the one place where a service's name, app id and ports are written:
 * dapr.yaml, which cannot read it, must say the same, and every row must be a Liberty service that
 * shares server-common. Runs with the unit tests of ./dev test.
 */
class ServiceTableTest {

  private static final Path ROOT = ServiceUnderTest.repositoryRoot();
  private static final List<Definition> SERVICES = Definition.all();

  @Test
  void daprYamlRunsEveryServiceOfTheTableWithItsAppIdAndPorts() throws IOException {
    Map<String, String> apps = daprYamlApps(Files.readString(ROOT.resolve("dapr.yaml")));
    assertEquals(
        SERVICES.stream().map(Definition::appId).toList(),
        List.copyOf(apps.keySet()),
        "dapr.yaml apps, in the order of " + ServiceUnderTest.TABLE);
    for (Definition s : SERVICES) {
      String app = apps.get(s.appId());
      assertEquals(
          "./liberty-apps/" + s.name(), field(app, "appDirPath"), s.appId() + " appDirPath");
      assertEquals(s.appPort(), port(app, "appPort"), s.appId() + " appPort");
      assertEquals(s.daprHttpPort(), port(app, "daprHTTPPort"), s.appId() + " daprHTTPPort");
      assertEquals(s.daprGrpcPort(), port(app, "daprGRPCPort"), s.appId() + " daprGRPCPort");
      assertEquals(
          s.daprInternalGrpcPort(),
          port(app, "daprInternalGRPCPort"),
          s.appId() + " daprInternalGRPCPort");
      assertEquals(s.daprMetricsPort(), port(app, "metricsPort"), s.appId() + " metricsPort");
      assertEquals(s.appPort(), port(app, "HTTP_PORT"), s.appId() + " env HTTP_PORT");
      assertEquals(
          s.daprHttpPort(), port(app, "DAPR_HTTP_PORT"), s.appId() + " env DAPR_HTTP_PORT");
    }
  }

  @Test
  void everyPortOfTheTableIsTakenOnceAndOutsideTheEphemeralRange() {
    Set<Integer> seen = new HashSet<>();
    for (Definition s : SERVICES) {
      for (int p :
          List.of(
              s.appPort(),
              s.daprHttpPort(),
              s.daprGrpcPort(),
              s.daprInternalGrpcPort(),
              s.daprMetricsPort(),
              s.itPort())) {
        assertTrue(seen.add(p), s.name() + ": port " + p + " is taken twice in the table");
        assertTrue(p > 1024 && p < 32768, s.name() + ": port " + p + " is outside 1025-32767");
      }
    }
  }

  @Test
  void everyServiceIsALibertyServerThatIncludesTheSharedConfiguration() throws IOException {
    assertTrue(Files.isRegularFile(ROOT.resolve("liberty-apps/server-common/common.xml")));
    for (Definition s : SERVICES) {
      Path config = ROOT.resolve("liberty-apps/" + s.name() + "/src/main/liberty/config");
      String serverXml = Files.readString(config.resolve("server.xml"));
      assertTrue(
          serverXml.contains("<include location=\"common.xml\"/>"),
          s.name() + "/server.xml includes common.xml");
      // a port in server.xml would be a second place for it: launchers set HTTP_PORT from the table
      assertFalse(serverXml.contains("\"http.port\""), s.name() + "/server.xml sets no http.port");
      try (Stream<Path> own = Files.list(config)) {
        assertFalse(
            own.anyMatch(f -> f.getFileName().toString().equals("common.xml")),
            s.name() + " has no common.xml of its own");
      }
    }
  }

  /** The apps of a Multi-App Run file, by app id, each as its block of lines. */
  private static Map<String, String> daprYamlApps(String yaml) {
    Map<String, String> apps = new LinkedHashMap<>();
    List<String> blocks = new ArrayList<>(List.of(yaml.split("\n  - ")));
    blocks.remove(0);
    for (String block : blocks) {
      apps.put(field(block, "appID"), block);
    }
    return apps;
  }

  private static String field(String block, String key) {
    Matcher m =
        Pattern.compile("(?m)^(?:\\s*)" + Pattern.quote(key) + ":\\s*\"?([^\"\\s]+)\"?\\s*$")
            .matcher(block);
    if (!m.find()) throw new AssertionError("no " + key + " in dapr.yaml app:\n" + block);
    return m.group(1);
  }

  private static int port(String block, String key) {
    return Integer.parseInt(field(block, key));
  }
}
