// The page: sign-in, the task list (REST), the live stream and the reminders (WebSocket).
import { createApi, ApiError } from './api.js';
import { Live, TRIGGERED } from './live.js';
import { ruleInWords } from './rules.js';

const $ = (sel, root = document) => root.querySelector(sel);
const TOKEN_KEY = 'todo.token';
const ACKED_KEY = 'todo.acked';
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

let api = null;
let live = null;
let tasks = [];          // the list as shown, in the server's order
let nextCursor = null;
let reloadTimer = null;
const reminders = new Map(); // event id -> triggered event shown

// ---------- sign-in ----------

function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
  } catch {
    return null;
  }
}

function tokenProblem(token) {
  const c = claims(token);
  if (!c || !c.sub) return 'This is not a token (a JWT with a subject).';
  if (c.exp && c.exp * 1000 <= Date.now()) return 'This token has expired.';
  return null;
}

// Another environment's sign-in can hand the token over in the fragment: /app/#access_token=...
function tokenFromFragment() {
  const h = new URLSearchParams(location.hash.slice(1));
  const t = h.get('access_token');
  if (t) history.replaceState(null, '', location.pathname + location.search);
  return t;
}

async function signIn(token, { quiet = false } = {}) {
  const problem = tokenProblem(token);
  const error = $('#sign-in-error');
  if (problem) { if (!quiet) error.textContent = problem; return false; }
  const probe = createApi(token);
  try {
    await probe.probe();
  } catch (e) {
    if (!quiet) error.textContent = e.status === 401 || e.status === 403
      ? 'The server did not accept this token.' : e.message;
    return false;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  error.textContent = '';
  start(token);
  return true;
}

function signOut(message = '') {
  if (live) live.stop();
  live = null; api = null; tasks = []; reminders.clear();
  sessionStorage.removeItem(TOKEN_KEY);
  $('#task-list').replaceChildren();
  $('#reminder-list').replaceChildren();
  $('#session').hidden = true;
  $('#app-view').hidden = true;
  $('#sign-in-view').hidden = false;
  $('#sign-in-error').textContent = message;
  $('#token').value = '';
  $('#token').focus();
}

function start(token) {
  const c = claims(token);
  api = createApi(token, () => signOut('Your sign-in expired: sign in again.'));
  $('#who').textContent = `Signed in as ${c.upn || c.preferred_username || c.sub}`;
  $('#session').hidden = false;
  $('#sign-in-view').hidden = true;
  $('#app-view').hidden = false;
  $('#notify').hidden = !('Notification' in window) || Notification.permission !== 'default';
  live = new Live({
    token,
    expiresAt: c.exp ? c.exp * 1000 : null,
    onEvent,
    onResync: () => reload(),
    onOpen: (resuming) => { if (!resuming) reload(); },
    onState: (state) => {
      const el = $('#live');
      el.dataset.state = state;
      el.textContent = { live: 'Live', connecting: 'Connecting…', offline: 'Offline, reconnecting…',
        expired: 'Signed out' }[state] || state;
      if (state === 'expired') signOut('Your sign-in expired: sign in again.');
    },
  });
  live.start();
  reload();
  $('#new-title-input').focus();
}

// ---------- the list ----------

function filters() {
  const f = Object.fromEntries(new FormData($('#filters')));
  // "due by" a day: before the start of the next local day
  let dueBefore = '';
  if (f.dueBy) {
    const d = new Date(`${f.dueBy}T00:00`);
    d.setDate(d.getDate() + 1);
    dueBefore = d.toISOString();
  }
  return { q: f.q.trim(), status: f.status, priority: f.priority, tag: f.tag.trim(), sort: f.sort, dueBefore };
}

async function reload() {
  clearTimeout(reloadTimer);
  if (!api) return;
  const limit = Math.min(200, Math.max(50, tasks.length));
  try {
    const page = await api.listTasks(filters(), limit);
    tasks = page.items;
    nextCursor = page.nextCursor;
    $('#list-error').textContent = '';
    render();
  } catch (e) {
    $('#list-error').textContent = e.message;
  }
}

// Many events in a row (a resume, a bulk change) cost one reload.
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(reload, 150);
}

async function more() {
  try {
    const page = await api.listTasks(filters(), 50, nextCursor);
    tasks = tasks.concat(page.items.filter((t) => !tasks.some((s) => s.id === t.id)));
    nextCursor = page.nextCursor;
    render();
  } catch (e) {
    $('#list-error').textContent = e.message;
  }
}

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
function when(iso) { return iso ? fmt.format(new Date(iso)) : ''; }

function describeReminder(r) {
  if (r.at) return `at ${when(r.at)}`;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(r.before || '');
  if (!m) return `${r.before} before`;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x || 0));
  if (!d && !h && !min && !s) return 'at the due time';
  const parts = [d && `${d} d`, h && `${h} h`, min && `${min} min`, s && `${s} s`].filter(Boolean);
  return `${parts.join(' ')} before`;
}

function render() {
  const list = $('#task-list');
  const editing = list.querySelector('li.editing')?.dataset.id;
  const template = $('#task-template');
  const items = tasks.map((t) => {
    if (t.id === editing) {
      const kept = list.querySelector(`li[data-id="${CSS.escape(t.id)}"]`);
      if (kept) return kept;
    }
    const li = template.content.firstElementChild.cloneNode(true);
    li.dataset.id = t.id;
    li.dataset.status = t.status;
    li.dataset.version = t.version;
    $('.title', li).textContent = t.title;
    $('.title', li).id = `title-${t.id}`;
    const meta = $('.meta', li);
    const bits = [];
    if (t.dueAt) bits.push(`Due ${when(t.dueAt)}`);
    if (t.priority !== 'none') bits.push(`${t.priority[0].toUpperCase()}${t.priority.slice(1)} priority`);
    const rule = ruleInWords(t.recurrence);
    if (rule) bits.push(rule);
    if (t.reminders.length) bits.push(`Reminders: ${t.reminders.map(describeReminder).join(', ')}`);
    meta.textContent = bits.join(' · ');
    for (const tag of t.tags) {
      const s = document.createElement('span');
      s.className = 'tag';
      s.textContent = tag;
      meta.append(' ', s);
    }
    const box = $('.done', li);
    box.checked = t.status === 'completed';
    box.setAttribute('aria-label', `Completed: ${t.title}`);
    box.addEventListener('change', () => toggle(t, box));
    $('.edit', li).setAttribute('aria-label', `Edit ${t.title}`);
    $('.edit', li).addEventListener('click', () => edit(li, t));
    $('.delete', li).setAttribute('aria-label', `Delete ${t.title}`);
    $('.delete', li).addEventListener('click', () => remove(t));
    return li;
  });
  // keyboard focus stays on the same control of the same task across a re-render
  const focused = document.activeElement;
  const focusId = focused?.closest('li.task')?.dataset.id;
  const focusClass = focused?.classList?.[0];
  list.replaceChildren(...items);
  if (focusId && focusClass && !list.contains(focused)) {
    list.querySelector(`li[data-id="${CSS.escape(focusId)}"] .${focusClass}`)?.focus();
  }
  $('#list-count').textContent = tasks.length === 1 ? '1 task' : `${tasks.length} tasks`;
  $('#more').hidden = !nextCursor;
}

async function act(fn, errorTarget = $('#list-error')) {
  try {
    await fn();
    errorTarget.textContent = '';
    reloadSoon();
    return true;
  } catch (e) {
    errorTarget.textContent = e instanceof ApiError && e.status === 412
      ? 'This task was changed elsewhere meanwhile: the list now shows the current version.' : e.message;
    reloadSoon();
    return false;
  }
}

function toggle(task, box) {
  act(() => (box.checked ? api.complete(task.id) : api.reopen(task.id)));
}

function remove(task) {
  if (!confirm(`Delete “${task.title}”?`)) return;
  act(() => api.deleteTask(task.id));
}

// ---------- the task form (new and edit) ----------

function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value) { return value ? new Date(value).toISOString() : null; }

function tagsOf(text) { return text.split(',').map((t) => t.trim()).filter(Boolean); }

function wireConditional(form) {
  const show = () => {
    const reminder = form.elements.reminder.value;
    const repeat = form.elements.repeat.value;
    for (const el of form.querySelectorAll('[data-when]')) {
      el.hidden = !(el.dataset.when === reminder || el.dataset.when === repeat);
    }
  };
  form.elements.reminder.addEventListener('change', show);
  form.elements.repeat.addEventListener('change', show);
  show();
}

/** The fields of a task form as task fields; `existing` keeps the current reminders. */
function fieldsOf(form, existing) {
  const f = Object.fromEntries(new FormData(form));
  const task = {
    title: f.title.trim(),
    dueAt: fromLocalInput(f.due),
    priority: f.priority,
    tags: tagsOf(f.tags),
  };
  const reminders = existing ? existing.reminders.slice() : [];
  if (f.reminder === 'at') {
    if (!f.reminderAt) throw new Error('Choose when to remind.');
    reminders.push({ at: fromLocalInput(f.reminderAt) });
  } else if (f.reminder) {
    if (!task.dueAt) throw new Error('A reminder before the due time needs a due time.');
    reminders.push({ before: f.reminder });
  }
  // an edit sends the reminders only when one is added (a merge patch replaces the array)
  if (!existing || reminders.length > existing.reminders.length) task.reminders = reminders;
  if (f.repeat === 'custom') {
    task.recurrence = f.rule.trim() ? { rule: f.rule.trim().replace(/^RRULE:/i, '') } : null;
  } else if (f.repeat !== 'keep') {
    task.recurrence = f.repeat ? { rule: f.repeat } : null;
  }
  return task;
}

async function create(event) {
  event.preventDefault();
  const form = event.target;
  const error = $('.error', form);
  let task;
  try { task = fieldsOf(form); } catch (e) { error.textContent = e.message; return; }
  task.timeZone = ZONE;
  if (!task.recurrence) delete task.recurrence;
  const ok = await act(() => api.createTask(task), error);
  if (ok) {
    form.reset();
    wireConditionalRefresh(form);
    $('#new-title-input').focus();
  }
}

function wireConditionalRefresh(form) {
  form.elements.reminder.dispatchEvent(new Event('change'));
}

function edit(li, task) {
  if (li.classList.contains('editing')) return;
  li.classList.add('editing');
  const form = $('#new-task').cloneNode(true);
  form.removeAttribute('id');
  form.reset();
  form.setAttribute('aria-label', `Edit ${task.title}`);
  for (const el of form.querySelectorAll('[id]')) {
    const label = form.querySelector(`label[for="${el.id}"]`);
    el.id = `${el.id}-${task.id}`;
    if (label) label.htmlFor = el.id;
  }
  form.elements.title.value = task.title;
  form.elements.due.value = toLocalInput(task.dueAt);
  form.elements.priority.value = task.priority;
  form.elements.tags.value = task.tags.join(', ');
  $('[for^="new-reminder-"]', form).textContent = 'Add a reminder';
  const repeat = form.elements.repeat;
  const keep = new Option(task.recurrence ? `Keep: ${ruleInWords(task.recurrence)}` : 'Never (unchanged)',
    'keep', true, true);
  repeat.prepend(keep);
  $('button[type="submit"]', form).textContent = 'Save';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'secondary';
  cancel.textContent = 'Cancel';
  $('.actions', form).append(cancel);
  const close = () => { li.classList.remove('editing'); form.remove(); reloadSoon(); $('.edit', li).focus(); };
  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = $('.error', form);
    let patch;
    try { patch = fieldsOf(form, task); } catch (err) { error.textContent = err.message; return; }
    // send only what the form changed: the due date input has no seconds, so an untouched one
    // must not move the task's due date (and its reminders)
    if (toLocalInput(task.dueAt) === form.elements.due.value) delete patch.dueAt;
    if (patch.title === task.title) delete patch.title;
    if (patch.priority === task.priority) delete patch.priority;
    if (patch.tags.join(',') === task.tags.join(',')) delete patch.tags;
    if (Object.keys(patch).length === 0) { close(); return; }
    if (await act(() => api.patchTask(task.id, patch, task.version), error)) close();
  });
  wireConditional(form);
  li.append(form);
  form.elements.title.focus();
}

// ---------- live events and reminders ----------

function acked() {
  try { return new Set(JSON.parse(sessionStorage.getItem(ACKED_KEY) || '[]')); } catch { return new Set(); }
}

function rememberAck(id) {
  const s = [...acked(), id].slice(-500);
  sessionStorage.setItem(ACKED_KEY, JSON.stringify(s));
}

function onEvent(event) {
  if (event.type === TRIGGERED) {
    showReminder(event);
  } else if (event.type.startsWith('com.todo.task.')) {
    reloadSoon();
  }
}

function showReminder(event) {
  if (reminders.has(event.id) || acked().has(event.id)) return;
  reminders.set(event.id, event);
  const d = event.data;
  const li = document.createElement('li');
  li.className = 'reminder';
  li.dataset.event = event.id;
  li.dataset.reminder = d.reminderId;
  li.setAttribute('role', 'group');
  li.setAttribute('aria-label', `Reminder: ${d.title}`);
  const what = document.createElement('div');
  const title = document.createElement('span');
  title.className = 'what';
  title.textContent = d.title;
  const detail = document.createElement('span');
  detail.className = 'help';
  detail.textContent = ` · reminder for ${when(d.fireAt)}${d.dueAt ? ` · due ${when(d.dueAt)}` : ''}`;
  const kind = document.createElement('span');
  kind.className = 'kind';
  kind.textContent = 'Reminder: ';
  what.append(kind, title, detail);
  const buttons = document.createElement('div');
  buttons.className = 'buttons';
  const button = (text, label, cls, fn) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.className = cls;
    b.setAttribute('aria-label', `${label}: ${d.title}`);
    b.addEventListener('click', fn);
    buttons.append(b);
    return b;
  };
  button('Snooze 10 min', 'Snooze 10 minutes', 'secondary snooze-10m', () => snooze(event, 'PT10M', li));
  button('Snooze 1 h', 'Snooze 1 hour', 'secondary snooze-1h', () => snooze(event, 'PT1H', li));
  button('Done', 'Done', 'ack', () => done(event, li));
  const error = document.createElement('p');
  error.className = 'error';
  error.setAttribute('role', 'alert');
  li.append(what, buttons, error);
  $('#reminder-list').append(li);
  if ('Notification' in window && Notification.permission === 'granted') {
    try {
      new Notification(d.title, { body: d.dueAt ? `Due ${when(d.dueAt)}` : 'Reminder', tag: event.id });
    } catch { /* some browsers allow notifications only from a service worker */ }
  }
}

function closeReminder(event, li) {
  live.ack(event.id);
  rememberAck(event.id);
  reminders.delete(event.id);
  li.remove();
}

function done(event, li) { closeReminder(event, li); }

async function snooze(event, duration, li) {
  try {
    await api.snooze(event.data.reminderId, duration);
  } catch (e) {
    // a closed task or a cancelled reminder cannot be snoozed: nothing more to remind
    if (!(e instanceof ApiError && (e.status === 409 || e.status === 404))) {
      $('.error', li).textContent = e.message;
      return;
    }
  }
  // the firing is handled: it must not come back on the next connection
  closeReminder(event, li);
}

// ---------- wiring ----------

$('#sign-in').addEventListener('submit', (e) => { e.preventDefault(); signIn($('#token').value.trim()); });
$('#sign-out').addEventListener('click', () => signOut());
$('#new-task').addEventListener('submit', create);
wireConditional($('#new-task'));
$('#filters').addEventListener('submit', (e) => { e.preventDefault(); tasks = []; reload(); });
for (const el of $('#filters').querySelectorAll('select, input[type=date]')) el.addEventListener('change', () => { tasks = []; reload(); });
$('#more').addEventListener('click', more);
$('#notify').addEventListener('click', async () => {
  await Notification.requestPermission();
  $('#notify').hidden = Notification.permission !== 'default';
});

// for tests and for trying the reconnect by hand: drops the socket as a network failure would
window.todo = { drop: (holdMs) => live && live.drop(holdMs) };

(async () => {
  const token = tokenFromFragment() || sessionStorage.getItem(TOKEN_KEY);
  if (!token || !(await signIn(token, { quiet: true }))) signOut();
})();
