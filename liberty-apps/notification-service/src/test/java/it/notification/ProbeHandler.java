package it.notification;

import com.todo.dapr.EventHandler;
import com.todo.dapr.SequenceGuard;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.EnumSet;
import java.util.Set;

/**
 * The event handler of the test deployment, in place of the service's own: it applies each task
 * event through the sequence guard to a count kept under {@code probe|applied|task|<id>}, so the
 * consumer contract can count what reached an effect, whatever the service's real reactions are.
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION + 100)
@ApplicationScoped
public class ProbeHandler implements EventHandler {

  static final String PREFIX = "probe|";

  @Inject SequenceGuard guard;

  @Override
  public Set<EventType> handles() {
    return EnumSet.of(
        EventType.TASK_CREATED,
        EventType.TASK_UPDATED,
        EventType.TASK_COMPLETED,
        EventType.TASK_REOPENED,
        EventType.TASK_DELETED);
  }

  @Override
  public Outcome handle(CloudEvent event) {
    guard.apply(PREFIX + SequenceGuard.aggregateKey(event), event, SequenceGuard.COUNT_CHANGES);
    return Outcome.HANDLED;
  }
}
