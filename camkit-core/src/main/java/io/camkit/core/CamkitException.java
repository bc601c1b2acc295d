package io.camkit.core;

/**
 * A problem the user can fix (a missing file, an unreadable image, an impossible option). Front
 * ends print its message on one line and exit with code 2; it is never a bug in camkit.
 */
public class CamkitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CamkitException(String message) {
    super(message);
  }

  public CamkitException(String message, Throwable cause) {
    super(message, cause);
  }
}
