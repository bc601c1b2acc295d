package io.camkit.evaluate;

import io.camkit.core.Box;

/**
 * Boxes that ignore the image's content: scored on the same images as a map's boxes, they say what
 * a localization figure would be worth if the map knew nothing. On photos taken by people the
 * object is usually near the centre and large, so these baselines are high (often 50 % or more
 * GT-known on CUB-200 and VOC-like sets): a figure that does not beat them clearly is no progress.
 */
public enum BaselineBox {
  /**
   * The centred box of half the image's area with the image's aspect ratio: sides {@code
   * round(W/√2) × round(H/√2)} (at least 1 pixel), top-left corner {@code ⌊(W − w)/2⌋, ⌊(H − h)/2⌋}.
   */
  CENTRED_HALF_AREA("centred box of half the image area (sides ÷ √2)"),
  /** The whole image, {@code [0, W) × [0, H)}. */
  WHOLE_IMAGE("whole-image box");

  private final String description;

  BaselineBox(String description) {
    this.description = description;
  }

  /** What a report calls it. */
  public String description() {
    return description;
  }

  /** The box for an image of {@code imageW × imageH} pixels. */
  public Box box(int imageW, int imageH) {
    if (this == WHOLE_IMAGE) {
      return new Box(0, 0, imageW, imageH);
    }
    return Box.centred(imageW, imageH, 1 / Math.sqrt(2));
  }
}
