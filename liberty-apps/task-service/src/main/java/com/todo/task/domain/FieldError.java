package com.todo.task.domain;

/**
 * One reason a request was rejected: the field (a JSON path such as {@code reminders[1].before}, or
 * a query parameter or header name) and what is wrong with it.
 */
public record FieldError(String field, String message) {}
