// The REST API on this origin (/api/v1/...): task-service and notification-service.

export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem) {
  if (status === 401) return 'Your sign-in is no longer accepted: sign in again.';
  if (!problem) return `The server answered ${status}.`;
  const fields = (problem.errors || []).map((e) => `${e.field}: ${e.message}`);
  return [problem.detail || problem.title || `The server answered ${status}.`, ...fields].join(' ');
}

export function createApi(token, onUnauthorized) {
  async function call(method, path, body, headers = {}) {
    const h = { Authorization: `Bearer ${token}`, Accept: 'application/json', ...headers };
    if (body !== undefined) {
      h['Content-Type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    }
    let r;
    try {
      r = await fetch(path, {
        method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store', credentials: 'omit',
      });
    } catch (e) {
      throw new ApiError(0, { detail: 'The server could not be reached. Try again.' });
    }
    const text = await r.text();
    let json = null;
    if (text) { try { json = JSON.parse(text); } catch { json = null; } }
    if (r.status === 401 && onUnauthorized) onUnauthorized();
    if (!r.ok) throw new ApiError(r.status, json);
    return json;
  }

  const enc = encodeURIComponent;
  return {
    listTasks(filters, limit, cursor) {
      const p = new URLSearchParams();
      for (const k of ['q', 'status', 'priority', 'tag', 'sort', 'dueBefore']) if (filters[k]) p.set(k, filters[k]);
      p.set('limit', String(limit));
      if (cursor) p.set('cursor', cursor);
      return call('GET', `/api/v1/tasks?${p}`);
    },
    createTask(task) {
      return call('POST', '/api/v1/tasks', task, { 'Idempotency-Key': crypto.randomUUID() });
    },
    patchTask(id, patch, version) {
      return call('PATCH', `/api/v1/tasks/${enc(id)}`, patch, version ? { 'If-Match': `"${version}"` } : {});
    },
    complete: (id) => call('POST', `/api/v1/tasks/${enc(id)}/complete`),
    reopen: (id) => call('POST', `/api/v1/tasks/${enc(id)}/reopen`),
    deleteTask: (id) => call('DELETE', `/api/v1/tasks/${enc(id)}`),
    snooze: (reminderId, duration) =>
      call('POST', `/api/v1/reminders/${enc(reminderId)}/snooze`, { for: duration }),
    probe: () => call('GET', '/api/v1/tasks?limit=1'),
  };
}
