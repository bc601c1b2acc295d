package io.camkit.dataset.io;

import io.camkit.core.CamkitException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST's idx files (LeCun et al.): images {@code idx3} (magic 2051: count, rows, columns,
 * then unsigned bytes, row-major) and labels {@code idx1} (magic 2049: count, then bytes), plain or
 * gzip-compressed (detected by content). A wrong magic, a count mismatch or a truncated file is a
 * {@link CamkitException} naming the file.
 */
public final class MnistIdx {
  private MnistIdx() {}

  /** Greyscale digits, {@code pixels[i]} row-major {@code rows × cols}, and their labels 0–9. */
  public record Digits(int rows, int cols, byte[][] pixels, int[] labels) {
    public int size() {
      return labels.length;
    }
  }

  /** Reads an image file and its label file. */
  public static Digits read(Path images, Path labels) {
    try (DataInputStream in = open(images)) {
      expectMagic(in, 2051, images);
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (n < 0 || rows <= 0 || cols <= 0) {
        throw new CamkitException(images + ": bad idx header (" + n + " images of " + rows + "x" + cols + ")");
      }
      byte[][] px = new byte[n][rows * cols];
      for (int i = 0; i < n; i++) {
        in.readFully(px[i]);
      }
      int[] lab = readLabels(labels);
      if (lab.length != n) {
        throw new CamkitException(labels + " holds " + lab.length + " labels for " + n + " images in " + images);
      }
      return new Digits(rows, cols, px, lab);
    } catch (EOFException e) {
      throw new CamkitException(images + " is truncated", e);
    } catch (IOException e) {
      throw new CamkitException("cannot read " + images + ": " + e.getMessage(), e);
    }
  }

  static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      expectMagic(in, 2049, file);
      int n = in.readInt();
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = in.readUnsignedByte();
        if (out[i] > 9) {
          throw new CamkitException(file + ": label " + out[i] + " at " + i + " is not a digit");
        }
      }
      return out;
    } catch (EOFException e) {
      throw new CamkitException(file + " is truncated", e);
    } catch (IOException e) {
      throw new CamkitException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file));
    } catch (NoSuchFileException e) {
      throw new CamkitException("MNIST file not found: " + file);
    }
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw)) : raw);
  }

  private static void expectMagic(DataInputStream in, int magic, Path file) throws IOException {
    int m = in.readInt();
    if (m != magic) {
      throw new CamkitException(file + ": not an idx " + (magic == 2051 ? "image" : "label") + " file (magic " + m + ", expected " + magic + ")");
    }
  }
}
