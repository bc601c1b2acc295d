package io.camkit.dataset;

import java.util.Locale;

/** The three disjoint parts of a benchmark. */
public enum Split {
  TRAIN,
  VAL,
  TEST;

  /** The lower-case name used for folders and ids. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
