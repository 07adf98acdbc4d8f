package it.platform;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Seed and tries of every fuzz property from {@code -Dfuzz.seed} and {@code -Dfuzz.tries}
 * (platform-tests/pom.xml sets the defaults): the same seed sends the same requests, so a failure
 * reported with its seed is reproduced by running again with it.
 */
public class TaskApiFuzzSettings implements AroundPropertyHook {

  static final String DEFAULT_SEED = "20261129";
  static final int DEFAULT_TRIES = 250;

  static String seed() {
    String seed = System.getProperty("fuzz.seed", "");
    return seed.isBlank() ? DEFAULT_SEED : seed.strip();
  }

  static int tries() {
    String tries = System.getProperty("fuzz.tries", "");
    return tries.isBlank() ? DEFAULT_TRIES : Integer.parseInt(tries.strip());
  }

  @Override
  public PropertyExecutionResult aroundProperty(
      PropertyLifecycleContext context, PropertyExecutor property) throws Throwable {
    context.attributes().setSeed(seed());
    context.attributes().setTries(tries());
    PropertyExecutionResult result = property.execute();
    System.out.printf(
        "%s: %d tries, %d checks, seed %s: %s%n",
        context.extendedLabel(),
        result.countTries(),
        result.countChecks(),
        result.seed().orElse("?"),
        result.status());
    return result;
  }
}
