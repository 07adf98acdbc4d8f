package com.todo.task.application;

import com.todo.task.domain.Task;

/**
 * A task after a use case and whether the use case changed anything: a repeated create, an
 * occurrence that existed, completing a completed task or an empty patch change nothing and publish
 * nothing.
 */
public record Outcome(Task task, boolean changed) {}
