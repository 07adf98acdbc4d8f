package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Every platform test holds the platform lock ({@link PlatformLock}), on its class or on each test
 * method: the failsafe run executes the test classes concurrently, and a class without it would run
 * beside any other. No class is CONCURRENT itself: its methods would run side by side, out of the
 * order some of them rely on (seen: WebPageIT).
 */
class PlatformLockTest {

  @Test
  void everyPlatformTestHoldsThePlatformLock() throws Exception {
    List<String> wrong = new ArrayList<>();
    List<Class<?>> classes = platformTests();
    assertTrue(classes.size() > 20, "the platform tests found: " + classes);
    for (Class<?> c : classes) {
      Execution execution = c.getAnnotation(Execution.class);
      if (execution != null && execution.value() == ExecutionMode.CONCURRENT) {
        wrong.add(c.getSimpleName() + ": a CONCURRENT class runs its methods side by side");
      }
      if (mode(c) != null) continue;
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Test.class) && mode(m) == null) {
          wrong.add(c.getSimpleName() + "." + m.getName() + ": no platform lock");
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  /** The mode in which the element holds the platform lock, or null when it does not. */
  private static ResourceAccessMode mode(AnnotatedElement e) {
    for (ResourceLock lock : e.getAnnotationsByType(ResourceLock.class)) {
      if (PlatformLock.PLATFORM.equals(lock.value())) return lock.mode();
    }
    return null;
  }

  /** The *IT classes compiled beside this one. */
  private static List<Class<?>> platformTests() throws Exception {
    Path dir =
        Path.of(PlatformLockTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("it/platform");
    List<Class<?>> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith("IT.class")) {
          String cls = "it.platform." + name.substring(0, name.length() - 6);
          found.add(Class.forName(cls, false, PlatformLockTest.class.getClassLoader()));
        }
      }
    }
    return found;
  }
}
