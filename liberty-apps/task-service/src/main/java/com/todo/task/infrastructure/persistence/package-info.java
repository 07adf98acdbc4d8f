/**
 * PostgreSQL through plain JDBC on the server's DataSource {@code jdbc/tasks}: explicit
 * transactions, the task repository, the search SQL and the schema migrations that run at start.
 */
package com.todo.task.infrastructure.persistence;
