package com.todo.dapr;

import com.todo.events.CloudEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A handler whose work for a delivery is reads and writes of the state store the consumer rules use
 * too: its keys are read in the rules' one read of the delivery, and its last writes made in their
 * one write of what was decided, so that a delivery costs two state calls fewer. (realtime-service:
 * its resume logs; a delivery went from five state calls to three.)
 *
 * <p>For a delivery with new events the rules call, on one thread: {@link #keysToRead}, then (after
 * the one read) {@link #prepare(List, List, Map)}, {@link #handle} for each event, then write the
 * returned values with their own positions, then {@link #written} (always, once per prepare, also
 * when something failed in between). The events it answered HANDLED count as handled only once that
 * write succeeded: when it fails they are delivered again.
 */
public interface StatefulEventHandler extends EventHandler {

  /**
   * The keys of its own to read for {@code events}: the valid events of a delivery this service
   * handles, before it is known which of them are new.
   */
  Collection<String> keysToRead(List<CloudEvent> events);

  /**
   * As {@link EventHandler#prepare(List, List)}, with the values of {@link #keysToRead} as they
   * were read (each with its ETag; a key that does not exist is absent). Must not throw.
   *
   * @return what to write with the rules' positions once every event was handled
   */
  DaprSidecar.Writes prepare(
      List<CloudEvent> events, List<ConsumedPosition> positions, Map<String, StateEntry> read);

  /**
   * After the write of what {@link #prepare(List, List, Map)} returned: {@code ok} when it was
   * written, false when it was not (or the delivery failed before it): its events come again.
   */
  void written(boolean ok);
}
