package io.camkit.transfer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import io.camkit.model.layers.LayeredModel;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The activations {@code A [K, h, w]} of a frozen backbone at one layer, one {@code float[K·h·w]}
 * per image, computed once so that head epochs cost a GAP and a matrix product instead of a
 * backbone forward pass.
 *
 * <p>The cache lives <b>in memory</b> for training, bounded by {@code limitBytes} (checked from
 * the layer's shape before any work), and <b>on disk</b> ({@link #cached}) so that a rerun or a
 * {@code --resume} with the same backbone (sha256), layer, data (pixel fingerprint) and views
 * reads it back instead of recomputing. File layout: the 8 bytes {@code CAMKITF1}, the key
 * (modified UTF-8), {@code n} (int), the item shape (int rank, then longs), then {@code n·K·h·w}
 * big-endian float32; written atomically.
 *
 * <p>Cached features are fixed, so random augmentation (translations, crops) cannot apply. The one
 * augmentation offered is a horizontal flip as a <em>second cached view</em>: with {@code
 * flipViews} every image also contributes the activations of its mirror image, doubling the cache
 * and the epoch. Mirrored activations are computed by the backbone, not by flipping {@code A}
 * (a trained net is not exactly flip-equivariant).
 */
public final class FeatureCache {
  private static final byte[] MAGIC = "CAMKITF1".getBytes(StandardCharsets.US_ASCII);

  /** Images per backbone forward pass. */
  public static final int BATCH = 16;

  /** Progress of feature extraction: {@code done} of {@code total} images. */
  @FunctionalInterface
  public interface Progress {
    void update(int done, int total);

    Progress NONE = (d, t) -> {};
  }

  /**
   * The features of a set of images.
   *
   * @param itemShape {@code [K, h, w]}
   * @param items one {@code float[K·h·w]} per view (with flip views: image i at 2i, its mirror at 2i+1)
   */
  public record Features(long[] itemShape, List<float[]> items) {
    public Features {
      itemShape = itemShape.clone();
      items = List.copyOf(items);
    }

    @Override
    public long[] itemShape() {
      return itemShape.clone();
    }
  }

  private FeatureCache() {}

  /** Bytes the features of {@code views} images of shape {@code [K, h, w]} take. */
  public static long bytes(long views, long[] itemShape) {
    return views * Arrays.stream(itemShape).reduce(1, (a, b) -> a * b) * Float.BYTES;
  }

  /** Fails with the sizes when the features would exceed {@code limitBytes}. */
  public static void checkLimit(long views, long[] itemShape, long limitBytes) {
    long b = bytes(views, itemShape);
    if (b > limitBytes) {
      throw new CamkitException(String.format(java.util.Locale.ROOT,
          "the cached features would take %d MB (%d views × %s float32), over the limit of %d MB: raise"
              + " --cache-limit-mb, use fewer images, or pick a layer with a smaller output (camkit layers)",
          b >> 20, views, Arrays.toString(itemShape), limitBytes >> 20));
    }
  }

  /**
   * Runs the backbone on every image (resized to its input, optionally also mirrored) and returns
   * the activations of {@code layer}, in batches of {@link #BATCH}.
   */
  public static Features compute(LayeredModel backbone, String layer, List<RgbImage> images, boolean flipViews,
      long limitBytes, Progress progress) {
    long[] shape = backbone.layer(layer).shape();
    int views = flipViews ? 2 : 1;
    checkLimit((long) images.size() * views, shape, limitBytes);
    int[] in = backbone.inputSize();
    int plane = 3 * in[0] * in[1];
    List<float[]> out = new ArrayList<>(images.size() * views);
    try (NDManager root = NDManager.newBaseManager()) {
      for (int from = 0; from < images.size(); from += BATCH) {
        io.camkit.core.Interruption.check("stopped while extracting the backbone's features (" + from + " of "
            + images.size() + " images); nothing was cached: run the same command again");
        int n = Math.min(BATCH, images.size() - from);
        float[] chw = new float[n * views * plane];
        for (int i = 0; i < n; i++) {
          images.get(from + i).resize(in[1], in[0]).toChw(chw, i * views * plane);
          if (flipViews) {
            mirror(chw, i * views * plane, chw, (i * views + 1) * plane, in[0], in[1]);
          }
        }
        try (NDManager scope = root.newSubManager()) {
          NDArray a = backbone.features(scope, backbone.scaled(scope, chw, n * views), layer); // [n·views, K, h, w]
          float[] flat = a.toFloatArray();
          int item = flat.length / (n * views);
          for (int j = 0; j < n * views; j++) {
            out.add(Arrays.copyOfRange(flat, j * item, (j + 1) * item));
          }
        }
        progress.update(from + n, images.size());
      }
    }
    return new Features(shape, out);
  }

  /** Writes the horizontal mirror of the planar image {@code [3, h, w]} at {@code src[from]} to {@code dst[to]}. */
  static void mirror(float[] src, int from, float[] dst, int to, int h, int w) {
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        int row = c * h * w + y * w;
        for (int x = 0; x < w; x++) {
          dst[to + row + x] = src[from + row + w - 1 - x];
        }
      }
    }
  }

  /**
   * The features cached in {@code file} if it was written under the same {@code key}, else
   * computes them ({@link #compute}) and writes the file atomically.
   *
   * @param key what the features depend on: backbone sha256, layer, data fingerprint, views
   */
  public static Features cached(Path file, String key, LayeredModel backbone, String layer, List<RgbImage> images,
      boolean flipViews, long limitBytes, Progress progress) throws IOException {
    if (Files.isRegularFile(file)) {
      Features f = read(file, key);
      if (f != null) {
        checkLimit(f.items().size(), f.itemShape(), limitBytes);
        progress.update(images.size(), images.size());
        return f;
      }
    }
    Features f = compute(backbone, layer, images, flipViews, limitBytes, progress);
    write(file, key, f);
    return f;
  }

  static void write(Path file, String key, Features f) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    AtomicFiles.write(file, os -> {
      DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os, 1 << 16));
      out.write(MAGIC);
      out.writeUTF(key);
      out.writeInt(f.items().size());
      long[] s = f.itemShape();
      out.writeInt(s.length);
      for (long d : s) {
        out.writeLong(d);
      }
      ByteBuffer buf = ByteBuffer.allocate(f.items().isEmpty() ? 0 : f.items().get(0).length * Float.BYTES);
      for (float[] item : f.items()) {
        buf.clear();
        buf.asFloatBuffer().put(item);
        out.write(buf.array());
      }
      out.flush();
    });
  }

  /** The features in {@code file}, or null when it was written under another key. */
  static Features read(Path file, String key) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      byte[] magic = new byte[MAGIC.length];
      all.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        return null;
      }
      int keyLength = all.getShort() & 0xffff;
      byte[] k = new byte[keyLength];
      all.get(k);
      // modified UTF-8 equals UTF-8 for the ASCII keys written here
      if (!new String(k, StandardCharsets.UTF_8).equals(key)) {
        return null;
      }
      int n = all.getInt();
      long[] shape = new long[all.getInt()];
      long size = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = all.getLong();
        size *= shape[i];
      }
      FloatBuffer floats = all.slice().asFloatBuffer();
      if (floats.remaining() != n * size) {
        return null; // truncated: recompute
      }
      List<float[]> items = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        float[] item = new float[(int) size];
        floats.get(item);
        items.add(item);
      }
      return new Features(shape, items);
    } catch (java.nio.BufferUnderflowException e) {
      return null;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
