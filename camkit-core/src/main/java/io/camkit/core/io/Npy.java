package io.camkit.core.io;

import io.camkit.core.CamkitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files (format 1.0–3.0, C order, little-endian {@code <f4}, {@code <f8},
 * {@code <i4}, {@code <i8} or {@code |u1}) into a float array and its shape: the exchange format
 * of reference maps computed in Python.
 *
 * @param shape the array's shape
 * @param data the values in C (row-major) order, converted to float
 */
public record Npy(long[] shape, float[] data) {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  public Npy {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public static Npy read(Path file) {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new CamkitException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the array as a format 1.0 {@code .npy} file of little-endian {@code <f4}, C order
   * (NumPy: {@code np.load(file)}), atomically.
   */
  public void write(Path file) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    String dimText = shape.length == 1 ? dims.toString().trim() : dims.toString().replaceAll(", $", "");
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dimText + "), }";
    int unpadded = MAGIC.length + 4 + header.length() + 1;
    header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.asFloatBuffer().put(data);
    io.camkit.core.AtomicFiles.write(file, out -> out.write(b.array()));
  }

  static Npy parse(byte[] bytes, String name) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.length < 10 || bytes[i] != MAGIC[i]) {
        throw new CamkitException(name + " is not a .npy file");
      }
    }
    int major = bytes[6];
    b.position(8);
    int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
    int start = b.position();
    if (start + headerLen > bytes.length) {
      throw new CamkitException(name + " is truncated (header)");
    }
    String header = new String(bytes, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, name);
    if (group(FORTRAN, header, name).equals("True")) {
      throw new CamkitException(name + ": Fortran-order arrays are not supported");
    }
    List<Long> dims = new ArrayList<>();
    for (String d : group(SHAPE, header, name).split(",")) {
      if (!d.isBlank()) {
        dims.add(Long.parseLong(d.trim()));
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    int size = switch (descr) {
      case "<f4", "<i4" -> 4;
      case "<f8", "<i8" -> 8;
      case "|u1" -> 1;
      default -> throw new CamkitException(name + ": unsupported dtype " + descr);
    };
    b.position(start + headerLen);
    if (b.remaining() < count * size || count > Integer.MAX_VALUE) {
      throw new CamkitException(name + " is truncated: " + count + " values of " + descr + " expected");
    }
    float[] data = new float[(int) count];
    for (int i = 0; i < count; i++) {
      data[i] = switch (descr) {
        case "<f4" -> b.getFloat();
        case "<f8" -> (float) b.getDouble();
        case "<i4" -> b.getInt();
        case "<i8" -> b.getLong();
        default -> Byte.toUnsignedInt(b.get());
      };
    }
    return new Npy(shape, data);
  }

  private static String group(Pattern p, String header, String name) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new CamkitException(name + ": malformed .npy header " + header.trim());
    }
    return m.group(1);
  }
}
