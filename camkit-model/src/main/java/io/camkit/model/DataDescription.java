package io.camkit.model;

import io.camkit.core.RgbImage;
import io.camkit.dataset.Dataset;
import io.camkit.dataset.Sample;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a model was trained on: a name, the image count, a SHA-256 fingerprint of every image's
 * pixels and label, and the source's own description (for the built-in benchmark, its generator
 * options), so a run can be traced back to, and rebuilt from, its data.
 */
public record DataDescription(String name, int images, String sha256, Object source) {

  public static DataDescription of(Dataset data, Object source) {
    return new DataDescription(data.name(), data.size(), fingerprint(data), source);
  }

  /** SHA-256 over each sample's size, pixels and labels, in order. */
  public static String fingerprint(Dataset data) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Sample s : data.samples()) {
        RgbImage img = s.image();
        md.update(ByteBuffer.allocate(8).putInt(img.width()).putInt(img.height()).array());
        md.update(img.bytes());
        for (int label : s.labels()) {
          md.update(ByteBuffer.allocate(4).putInt(label).array());
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
