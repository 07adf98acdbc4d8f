package com.todo.task.interfaces.rest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAuthorizedException;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller: the {@code sub} claim of the verified bearer token. */
@RequestScoped
public class CurrentUser {

  @Inject JsonWebToken jwt;

  /**
   * @throws NotAuthorizedException (401) when the request carries no verified token
   */
  public String id() {
    String subject = jwt == null ? null : jwt.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new NotAuthorizedException("a bearer token (JWT) is required", "Bearer");
    }
    return subject;
  }
}
