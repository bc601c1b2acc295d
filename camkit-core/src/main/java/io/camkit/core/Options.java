package io.camkit.core;

/** Validation of user options: one message shape everywhere, naming the option and its range. */
public final class Options {
  private Options() {}

  /**
   * Throws {@link IllegalArgumentException} "option --NAME = VALUE is out of range (allowed:
   * RANGE)" unless {@code ok}.
   */
  public static void check(boolean ok, String option, Object value, String range) {
    if (!ok) {
      throw new IllegalArgumentException(
          "option --" + option + " = " + value + " is out of range (allowed: " + range + ")");
    }
  }
}
