package it.platform;

/**
 * The one platform that ./dev runs and every platform test shares, as a JUnit resource lock: a test
 * that leaves every part running as it found it holds it {@code READ}, and such tests run side by
 * side (each with users of its own); a test that stops, kills, restarts or reconfigures a part, or
 * reads what any other test would change, holds it {@code READ_WRITE} and runs alone. Test classes
 * run concurrently (platform-tests/pom.xml), their methods one at a time unless they say otherwise,
 * so every test holds the lock, on its class or on each of its methods ({@code PlatformLockTest}):
 * a class without it would run beside any other.
 */
final class PlatformLock {

  static final String PLATFORM = "platform";

  private PlatformLock() {}
}
