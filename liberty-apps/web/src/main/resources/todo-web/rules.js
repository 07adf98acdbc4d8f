// A recurrence rule (RFC 5545 RRULE value) in words, for the task list.

const DAYS = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const UNITS = { DAILY: ['day', 'days'], WEEKLY: ['week', 'weeks'], MONTHLY: ['month', 'months'],
  YEARLY: ['year', 'years'], HOURLY: ['hour', 'hours'], MINUTELY: ['minute', 'minutes'] };
const ORD = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', '-1': 'last' };

function list(items) {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function day(token) {
  const m = /^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(token);
  if (!m) return token;
  return m[1] ? `the ${ORD[Number(m[1])] || m[1]} ${DAYS[m[2]]}` : DAYS[m[2]];
}

export function ruleInWords(recurrence) {
  if (!recurrence || !recurrence.rule) return '';
  const parts = Object.fromEntries(recurrence.rule.split(';').map((p) => p.split('=')));
  const unit = UNITS[parts.FREQ];
  if (!unit) return `Repeats (${recurrence.rule})`;
  const n = Number(parts.INTERVAL || 1);
  let words;
  const days = parts.BYDAY ? parts.BYDAY.split(',') : [];
  if (parts.FREQ === 'WEEKLY' && n === 1 && days.length === 5 &&
      ['MO', 'TU', 'WE', 'TH', 'FR'].every((d) => days.includes(d))) {
    words = 'Every weekday';
  } else {
    words = n === 1 ? `Every ${unit[0]}` : `Every ${n} ${unit[1]}`;
    if (days.length) words += ` on ${list(days.map(day))}`;
    if (parts.BYMONTHDAY) words += ` on day ${list(parts.BYMONTHDAY.split(','))}`;
  }
  if (parts.COUNT) words += `, ${parts.COUNT} times`;
  if (parts.UNTIL) {
    const u = /^(\d{4})(\d{2})(\d{2})/.exec(parts.UNTIL);
    words += u ? `, until ${u[1]}-${u[2]}-${u[3]}` : `, until ${parts.UNTIL}`;
  }
  if (recurrence.basis === 'completion') words += ', counted from completion';
  return words;
}
