package it.platform;

import java.lang.reflect.AnnotatedElement;
import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The order the platform tests start in (platform-tests/pom.xml): the tests that share the platform
 * ({@link PlatformLock} READ) first, so that they run side by side, and those that have it alone
 * (READ_WRITE) after them, one at a time, rather than READ tests waiting between alone ones in
 * short windows. Classes whose methods hold the lock each come between, their READ methods first.
 * Within a rank the order stays as discovered.
 */
public class ReadersFirst implements ClassOrderer {

  @Override
  public void orderClasses(ClassOrdererContext context) {
    context.getClassDescriptors().sort(Comparator.comparingInt(d -> rank(d.getTestClass())));
  }

  /** 0: holds the lock READ; 1: its methods hold it; 2: holds it READ_WRITE. */
  static int rank(Class<?> testClass) {
    return testClass.isAnnotationPresent(ResourceLock.class) ? lockRank(testClass) : 1;
  }

  private static int lockRank(AnnotatedElement element) {
    ResourceLock lock = element.getAnnotation(ResourceLock.class);
    if (lock == null || !PlatformLock.PLATFORM.equals(lock.value())) return 1;
    return lock.mode() == ResourceAccessMode.READ ? 0 : 2;
  }

  /** A class's READ methods before its READ_WRITE ones (a class's own @TestMethodOrder wins). */
  public static class Methods implements MethodOrderer {

    @Override
    public void orderMethods(MethodOrdererContext context) {
      context.getMethodDescriptors().sort(Comparator.comparingInt(d -> lockRank(d.getMethod())));
    }
  }
}
