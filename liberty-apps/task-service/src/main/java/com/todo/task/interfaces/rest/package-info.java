/**
 * The public REST API under {@code /api/v1} (docs/api.md): resources, request parsing, and the
 * mapping of every failure to {@code application/problem+json} (RFC 9457).
 */
package com.todo.task.interfaces.rest;
