/**
 * Technical adapters: PostgreSQL ({@code persistence}), the outbox relay and its Dapr jobs ({@code
 * outbox}), and the start-up work that needs both ({@link
 * com.todo.task.infrastructure.ApplicationStartup}).
 */
package com.todo.task.infrastructure;
