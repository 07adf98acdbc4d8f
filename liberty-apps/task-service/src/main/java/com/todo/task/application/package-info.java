/**
 * The use cases of task-service. Each one that changes a task runs in one database transaction that
 * writes the task and its event to the outbox together, and hands the event to the relay only after
 * the commit. The ports it needs ({@link com.todo.task.application.Transactions}, {@link
 * com.todo.task.application.Outbox}, {@link com.todo.task.application.IdempotencyKeys}, {@link
 * com.todo.task.application.EventRelay}) are implemented in infrastructure.
 */
package com.todo.task.application;
