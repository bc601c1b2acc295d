package io.camkit.interop.onnx;

import io.camkit.interop.onnx.proto.Onnx.AttributeProto;
import io.camkit.interop.onnx.proto.Onnx.GraphProto;
import io.camkit.interop.onnx.proto.Onnx.ModelProto;
import io.camkit.interop.onnx.proto.Onnx.NodeProto;
import io.camkit.interop.onnx.proto.Onnx.OperatorSetIdProto;
import io.camkit.interop.onnx.proto.Onnx.TensorProto;
import io.camkit.interop.onnx.proto.Onnx.TensorShapeProto;
import io.camkit.interop.onnx.proto.Onnx.TypeProto;
import io.camkit.interop.onnx.proto.Onnx.ValueInfoProto;
import java.util.Random;

/** Builds small ONNX models in memory for tests (opset 13), with seeded random weights. */
final class GraphBuilder {
  private final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
  private final Random random;

  GraphBuilder(long seed) {
    this.random = new Random(seed);
  }

  GraphBuilder input(String name, long... dims) {
    g.addInput(value(name, dims));
    return this;
  }

  GraphBuilder output(String name) {
    g.addOutput(value(name));
    return this;
  }

  private static ValueInfoProto value(String name, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE);
    if (dims.length > 0) {
      t.setShape(s);
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
  }

  /** A constant with values uniform in [-scale, scale]. */
  float[] random(String name, float scale, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (random.nextFloat() * 2 - 1) * scale;
    }
    constant(name, v, dims);
    return v;
  }

  GraphBuilder constant(String name, float[] v, long... dims) {
    g.addInitializer(OnnxTensors.floatTensor(name, v, dims));
    return this;
  }

  GraphBuilder longs(String name, long... v) {
    g.addInitializer(OnnxTensors.longTensor(name, v, v.length));
    return this;
  }

  /** A rank-0 int64 constant (a Gather index that drops its axis). */
  GraphBuilder scalar(String name, long v) {
    g.addInitializer(OnnxTensors.longTensor(name, new long[] {v}));
    return this;
  }

  GraphBuilder node(String op, String[] in, String out, AttributeProto... attrs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + out).addOutput(out);
    for (String i : in) {
      n.addInput(i);
    }
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    g.addNode(n);
    return this;
  }

  static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  static AttributeProto i(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
  }

  static AttributeProto f(String name, float v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
  }

  static String[] in(String... names) {
    return names;
  }

  byte[] bytes() {
    return ModelProto.newBuilder().setIrVersion(7).setProducerName("camkit-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build()
        .toByteArray();
  }

  OnnxGraph graph(String description) {
    return OnnxGraph.parse(bytes(), description);
  }
}
