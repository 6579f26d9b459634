package org.neuronexplainer.coordinator.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks an {@code Authorization: Bearer ...} header against the configured token. */
public final class BearerAuth {

  private final byte[] token;

  public BearerAuth(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("an API token is required");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  public boolean allows(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    // Constant time: the comparison must not tell how much of a guess was right.
    return MessageDigest.isEqual(given, token);
  }
}
