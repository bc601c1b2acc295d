package io.camkit.interop.onnx;

import com.google.protobuf.ByteString;
import io.camkit.core.CamkitException;
import io.camkit.interop.onnx.proto.Onnx.TensorProto;
import io.camkit.interop.onnx.proto.Onnx.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Values of ONNX constant tensors ({@code TensorProto}): stored either in the typed repeated
 * fields or as little-endian {@code raw_data}; both are read here, converted to float or long.
 */
public final class OnnxTensors {
  private OnnxTensors() {}

  /** Number of elements: the product of the dims (1 for a scalar). */
  public static long size(TensorProto t) {
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    return n;
  }

  /** The values as floats, row-major. */
  public static float[] floats(TensorProto t) {
    int n = Math.toIntExact(size(t));
    float[] out = new float[n];
    DataType type = DataType.forNumber(t.getDataType());
    if (type == null) {
      throw unsupported(t);
    }
    ByteBuffer raw = t.hasRawData() ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
    switch (type) {
      case FLOAT -> {
        for (int i = 0; i < n; i++) {
          out[i] = raw != null ? raw.getFloat(4 * i) : t.getFloatData(i);
        }
      }
      case DOUBLE -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) (raw != null ? raw.getDouble(8 * i) : t.getDoubleData(i));
        }
      }
      case INT64, INT32, INT16, INT8, UINT8, UINT16, BOOL -> {
        long[] l = longs(t);
        for (int i = 0; i < n; i++) {
          out[i] = l[i];
        }
      }
      default -> throw unsupported(t);
    }
    return out;
  }

  /** The values as longs (integer types only). */
  public static long[] longs(TensorProto t) {
    int n = Math.toIntExact(size(t));
    long[] out = new long[n];
    DataType type = DataType.forNumber(t.getDataType());
    if (type == null) {
      throw unsupported(t);
    }
    ByteString bytes = t.getRawData();
    ByteBuffer raw = t.hasRawData() ? bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
    for (int i = 0; i < n; i++) {
      out[i] = switch (type) {
        case INT64 -> raw != null ? raw.getLong(8 * i) : t.getInt64Data(i);
        case INT32 -> raw != null ? raw.getInt(4 * i) : t.getInt32Data(i);
        case INT16 -> raw != null ? raw.getShort(2 * i) : t.getInt32Data(i);
        case UINT16 -> raw != null ? raw.getShort(2 * i) & 0xffff : t.getInt32Data(i);
        case INT8 -> raw != null ? raw.get(i) : t.getInt32Data(i);
        case UINT8, BOOL -> raw != null ? raw.get(i) & 0xff : t.getInt32Data(i);
        default -> throw unsupported(t);
      };
    }
    return out;
  }

  /** A float tensor with raw little-endian data (for building graphs, e.g. in tests). */
  public static TensorProto floatTensor(String name, float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** An int64 tensor (shapes, axes). */
  public static TensorProto longTensor(String name, long[] values, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE);
    for (long v : values) {
      t.addInt64Data(v);
    }
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static CamkitException unsupported(TensorProto t) {
    DataType type = DataType.forNumber(t.getDataType());
    return new CamkitException("constant '" + t.getName() + "' has data type "
        + (type == null ? Integer.toString(t.getDataType()) : type.name()) + ", which camkit does not read");
  }
}
