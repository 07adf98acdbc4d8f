package com.todo.dapr;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import org.eclipse.microprofile.config.ConfigProvider;

/** Sends {@code DAPR_API_TOKEN} on every call to the sidecar, as the sidecar requires. */
public class DaprApiTokenFilter implements ClientRequestFilter {

  static final String HEADER = "dapr-api-token";

  private final String token =
      ConfigProvider.getConfig().getOptionalValue("DAPR_API_TOKEN", String.class).orElse(null);

  @Override
  public void filter(ClientRequestContext request) {
    if (token != null && !token.isBlank()) {
      request.getHeaders().putSingle(HEADER, token);
    }
  }
}
