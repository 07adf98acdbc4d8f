-- Tasks, the Idempotency-Keys of POST /tasks and the transactional outbox of task-events.
-- Every index starts with user_id: every read is one user's.

CREATE TABLE tasks (
  id           uuid PRIMARY KEY,
  user_id      text        NOT NULL,
  title        text        NOT NULL,
  description  text,
  status       text        NOT NULL CHECK (status IN ('open', 'completed')),
  -- rank of none, low, medium, high: sorts in the order of importance
  priority     smallint    NOT NULL CHECK (priority BETWEEN 0 AND 3),
  tags         text[]      NOT NULL DEFAULT '{}',
  due_at       timestamptz,
  time_zone    text        NOT NULL,
  reminders    jsonb       NOT NULL DEFAULT '[]',
  recurrence   jsonb,
  series_id    text,
  occurrence   integer,
  version      bigint      NOT NULL CHECK (version >= 1),
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  completed_at timestamptz,
  -- words of title and description for q=; 'simple' keeps every word and works for any language
  search       tsvector GENERATED ALWAYS AS (
                 to_tsvector('simple', title || ' ' || coalesce(description, ''))) STORED,
  CHECK ((series_id IS NULL) = (occurrence IS NULL))
);

-- an occurrence of a series exists at most once, whoever asks for it how often
CREATE UNIQUE INDEX tasks_series_occurrence ON tasks (series_id, occurrence) WHERE series_id IS NOT NULL;

-- sort keys (each with the id tie-breaker), which also serve the dueBefore/dueAfter filters
CREATE INDEX tasks_user_created  ON tasks (user_id, created_at, id);
CREATE INDEX tasks_user_due      ON tasks (user_id, due_at, id);
CREATE INDEX tasks_user_priority ON tasks (user_id, priority, id);
CREATE INDEX tasks_user_title    ON tasks (user_id, title, id);
-- filters
CREATE INDEX tasks_user_status   ON tasks (user_id, status, created_at, id);
CREATE INDEX tasks_tags          ON tasks USING gin (tags);
CREATE INDEX tasks_search        ON tasks USING gin (search);

CREATE TABLE idempotency_keys (
  user_id      text        NOT NULL,
  key          text        NOT NULL,
  task_id      uuid        NOT NULL,
  request_hash text        NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- One row per event. seq is the commit order of one user's changes (each write transaction takes
-- the user's advisory lock first); payload is the whole CloudEvent, id fixed at commit.
CREATE TABLE outbox (
  seq          bigserial   PRIMARY KEY,
  event_id     uuid        NOT NULL UNIQUE,
  aggregate_id uuid        NOT NULL,
  user_id      text        NOT NULL,
  type         text        NOT NULL,
  payload      jsonb       NOT NULL,
  created_at   timestamptz NOT NULL,
  published_at timestamptz,
  attempts     integer     NOT NULL DEFAULT 0,
  last_error   text
);
-- the relay's work list: unpublished rows per user in order
CREATE INDEX outbox_unpublished ON outbox (user_id, seq) WHERE published_at IS NULL;
-- GET /tasks/{id}/history
CREATE INDEX outbox_aggregate ON outbox (aggregate_id, seq);
-- the prune job
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;
