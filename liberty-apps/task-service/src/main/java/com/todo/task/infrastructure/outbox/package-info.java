/**
 * The transactional outbox of {@code task-events}: rows written with each change ({@link
 * com.todo.task.infrastructure.outbox.JdbcOutbox}), published through the sidecar after the commit
 * and by the recurring {@code outbox-drain} job ({@link
 * com.todo.task.infrastructure.outbox.OutboxRelay}), pruned by the {@code outbox-prune} job.
 */
package com.todo.task.infrastructure.outbox;
