// The live stream: /ws/v1/events on this origin, token in the subprotocol list, resume with
// ?after=<last task event id>, reconnect with backoff (docs/api.md, "WebSocket").

export const RESYNC = 'com.todo.realtime.resync-required.v1';
export const TRIGGERED = 'com.todo.reminder.triggered.v1';

export class Live {
  constructor({ token, expiresAt, onEvent, onResync, onState, onOpen }) {
    Object.assign(this, { token, expiresAt, onEvent, onResync, onState, onOpen });
    this.lastId = null; // the last task event received: where a reconnect resumes
    this.attempt = 0;
    this.ws = null;
    this.holdUntil = 0;
    this.stopped = false;
    this.outbox = []; // acks waiting for an open connection
  }

  start() { this.connect(); }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, 'signed out');
  }

  url() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const after = this.lastId ? `?after=${encodeURIComponent(this.lastId)}` : '';
    return `${scheme}://${location.host}/ws/v1/events${after}`;
  }

  connect() {
    if (this.stopped) return;
    const wait = this.holdUntil - Date.now();
    if (wait > 0) { this.timer = setTimeout(() => this.connect(), wait); return; }
    this.onState('connecting');
    const resuming = this.lastId !== null;
    const ws = new WebSocket(this.url(), ['todo-events.v1', `bearer.${this.token}`]);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onState('live');
      const queued = this.outbox.splice(0);
      for (const m of queued) ws.send(m);
      this.onOpen(resuming);
    };
    ws.onmessage = (m) => {
      let event;
      try { event = JSON.parse(m.data); } catch { return; }
      if (event.type === RESYNC) { this.onResync(); return; }
      if (typeof event.type === 'string' && event.type.startsWith('com.todo.task.')) this.lastId = event.id;
      document.body.dataset.lastEvent = this.lastId || '';
      this.onEvent(event);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      // 1008: the token expired on an open connection; a refused upgrade (401) shows only as 1006
      if (e.code === 1008 || (this.expiresAt && Date.now() >= this.expiresAt)) {
        this.onState('expired');
        return;
      }
      this.onState('offline');
      // 1 s, 2 s, 4 s ... at most 15 s, with jitter
      const delay = Math.min(15000, 1000 * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  /** Acknowledges a reminder firing: now if connected, else on the next connection. */
  ack(eventId) {
    const m = JSON.stringify({ ack: eventId });
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(m); else this.outbox.push(m);
  }

  /** Drops the connection as a network failure would, and stays away holdMs (tests, by hand). */
  drop(holdMs = 0) {
    this.holdUntil = Date.now() + holdMs;
    if (this.ws) this.ws.close(4000, 'dropped');
  }
}
