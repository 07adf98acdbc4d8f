package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import it.support.ServiceUnderTest;
import it.support.ServiceUnderTest.Definition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * `mvn liberty:dev` and `mvn liberty:run` cannot read platform/services.tsv, so each service's POM
 * repeats its app port and its sidecar's HTTP port (service.http.port, service.dapr.http.port, used
 * by the root POM's profile liberty-dev): they must be the table's. A unit test (./dev test's first
 * step), like it-support's ServiceTableTest for dapr.yaml.
 */
class ServicePortsTest {

  private static final Path ROOT = ServiceUnderTest.repositoryRoot();

  @Test
  void everyServicePomHasTheTablesPortsForLibertyDev() throws IOException {
    for (Definition s : Definition.all()) {
      String pom = Files.readString(ROOT.resolve("liberty-apps/" + s.name() + "/pom.xml"));
      assertEquals(
          s.appPort(), property(pom, "service.http.port"), s.name() + " service.http.port");
      assertEquals(
          s.daprHttpPort(),
          property(pom, "service.dapr.http.port"),
          s.name() + " service.dapr.http.port");
    }
  }

  private static int property(String pom, String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">\\s*(\\d+)\\s*</" + Pattern.quote(name) + ">")
            .matcher(pom);
    if (!m.find()) throw new AssertionError("no <" + name + "> in the POM");
    return Integer.parseInt(m.group(1));
  }
}
