package it.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The short ./dev chaos of ./dev test (issue 17): a small mixed load while one fault of each kind
 * is injected, a Liberty service (notification-service, so reminders fall due while it is down), a
 * sidecar (task-service's, the producing path) and Kafka, each killed with SIGKILL and started
 * again; then nothing lost or duplicated, by the same account as the full run (ChaosRun). Every
 * part runs again afterwards, also when it fails. About 3 minutes.
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: kills and restarts every part under load
class ChaosIT {

  static final List<String> FAULTS = List.of("notification-service", "daprd-task-service", "kafka");

  @Test
  void oneFaultOfEachKindUnderLoadLosesAndDuplicatesNothing() throws Exception {
    // ChaosRun.run starts again, in a finally, every part it stopped (and refuses to begin
    // unless every part runs)
    ChaosRun.Result r =
        ChaosRun.run(
            new ChaosRun.Config(
                FAULTS,
                /* rate */ 4,
                /* users */ 6,
                /* downtime */ 3,
                /* pause */ 20,
                /* gap */ 10,
                /* settle */ 150,
                /* late */ 10));
    System.out.println(r.report());
    assertTrue(r.changes() >= 100, "the load ran (" + r.changes() + " changes)\n" + r.report());
    assertTrue(r.ok(), r.report());
  }
}
