package io.camkit.serve;

/**
 * A request the server answers with an error: its HTTP status and a one-line message for a person
 * (sent as {@code {"error": message, "status": status}}, never a stack trace).
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final int retryAfterSeconds;

  public ApiError(int status, String message) {
    this(status, message, 0);
  }

  /** @param retryAfterSeconds sent as {@code Retry-After} when positive (503) */
  public ApiError(int status, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
