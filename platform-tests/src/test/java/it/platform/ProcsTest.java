package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the benchmarks read of /proc: this very JVM is found with its parent and command. */
class ProcsTest {

  @Test
  void findsThisProcessWithItsParentAndCommandLine() {
    ProcessHandle self = ProcessHandle.current();
    Procs.Proc me =
        Procs.all().stream().filter(p -> p.pid() == self.pid()).findFirst().orElseThrow();
    assertEquals(self.parent().orElseThrow().pid(), me.ppid());
    assertTrue(me.cmdline().contains("java"), me.cmdline());
    assertTrue(Long.parseLong(me.stat()[11]) + Long.parseLong(me.stat()[12]) > 0, "CPU ticks");
  }
}
