package io.camkit.core;

import java.util.Objects;

/**
 * One mistake in one input file, found while reading a dataset or a folder of images: the file,
 * the kind of mistake, a one-line reason, and whether the image it concerns was left out ({@code
 * skipped}) or used anyway (a box dropped, a partly decoded image kept). Readers collect these
 * instead of throwing, so that one bad file never stops a run; a JSON mapper writes the record as
 * {@code {"file", "kind", "reason", "skipped"}}.
 *
 * @param file the file at fault, as the reader was given it (an image, an annotation file, a list)
 * @param kind what went wrong
 * @param reason one line for a person, without the file name
 * @param skipped {@code true} when an image was left out because of it
 */
public record DataProblem(String file, Kind kind, String reason, boolean skipped) {
  /** The kinds of mistakes, each with the words a summary line uses for it. */
  public enum Kind {
    /** An image file that does not decode (empty, random bytes, text, a bomb header, unknown format). */
    UNREADABLE_IMAGE("unreadable image"),
    /** An image that decoded only in part (a truncated JPEG); kept unless the read is strict. */
    PARTIAL_IMAGE("partly decoded image"),
    /** An annotation entry or list line naming an image that is not there. */
    MISSING_IMAGE("missing image"),
    /** An annotation file that does not parse (malformed XML, a DTD, missing elements). */
    BAD_ANNOTATION_FILE("unreadable annotation"),
    /** An inverted, empty, NaN or out-of-image box; the box is dropped. */
    BAD_BOX("bad box"),
    /** A class name, category id or class index that the dataset does not have. */
    UNKNOWN_CLASS("unknown class"),
    /** An image without any usable annotation. */
    NO_ANNOTATION("no annotation"),
    /** A malformed line or entry of a list or annotation file. */
    BAD_ENTRY("malformed entry");

    private final String words;

    Kind(String words) {
      this.words = words;
    }

    /** The kind in a few words, for summary lines. */
    public String words() {
      return words;
    }
  }

  public DataProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
  }

  /** {@code file: reason (skipped|kept)}, one line. */
  @Override
  public String toString() {
    return file + ": " + reason + (skipped ? " (skipped)" : " (kept)");
  }
}
