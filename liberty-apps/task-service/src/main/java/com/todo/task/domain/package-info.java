/**
 * The task model and its rules: what a valid task is, how a merge patch changes it, how versions
 * advance and which event each change produces. Plain Java plus JSON-P (the contract is JSON): no
 * JAX-RS, no JDBC. {@link com.todo.task.domain.TaskRepository} is implemented in infrastructure.
 */
package com.todo.task.domain;
