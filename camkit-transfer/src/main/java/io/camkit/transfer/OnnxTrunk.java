package io.camkit.transfer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.interop.onnx.OnnxGraph;
import io.camkit.interop.onnx.OnnxHead;
import io.camkit.interop.onnx.OnnxModel;
import io.camkit.interop.onnx.proto.Onnx.NodeProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX backbone from its input to one layer as a trainable DJL block: {@code x [N,
 * 3, H, W]} (scaled as the card says) {@code → A [N, K, h, w]}. ONNX Runtime has no gradients, so
 * the nodes are run by camkit on DJL arrays ({@link OnnxHead}, the interpreter gradient methods use
 * after a layer, here from the graph input to the layer), and the weight initializers of the
 * trained nodes become DJL parameters.
 *
 * <p>On construction the interpreted trunk is checked against ONNX Runtime on a random input
 * (largest difference ≤ 10⁻³ × the largest activation); a graph with an op camkit does not run is
 * refused, naming the op.
 *
 * <p><b>What trains</b>: the inputs 1 and 2 of {@code Conv} (W, B), {@code Gemm} (B, C) and
 * {@code BatchNormalization} (scale, B; its mean and variance are inputs 3 and 4 and stay as they
 * are: ONNX batch norm is the inference form, so running statistics never move). A group is one
 * such node; the last {@code unfreezeLast} groups train (0: all). {@link #save} writes a copy of the
 * model with the trained initializers replaced; the imported file is only read.
 */
final class OnnxTrunk extends AbstractBlock implements ImportedTrunk {
  private final OnnxGraph graph;
  private final NDManager params;
  private final OnnxHead trunk;
  private final Map<String, NDArray> trained = new LinkedHashMap<>(); // initializer name → array
  private final List<String> trainedGroups = new ArrayList<>();

  OnnxTrunk(OnnxModel backbone, String layer, int unfreezeLast) {
    this.graph = backbone.graph();
    this.params = NDManager.newBaseManager("PyTorch");
    try {
      this.trunk = new OnnxHead(graph, params, backbone.inputName(), backbone.tensorOf(layer));
      Map<String, List<String>> groups = new LinkedHashMap<>();
      for (NodeProto n : trunk.nodes()) {
        List<String> w = new ArrayList<>();
        if (List.of("Conv", "Gemm", "BatchNormalization").contains(n.getOpType())) {
          for (int i = 1; i <= 2 && i < n.getInputCount(); i++) {
            String name = n.getInput(i);
            if (!name.isEmpty() && graph.isConstant(name)) {
              w.add(name);
            }
          }
        }
        if (!w.isEmpty()) {
          groups.put(n.getName().isEmpty() ? n.getOutput(0) : n.getName(), w);
        }
      }
      if (groups.isEmpty()) {
        throw new CamkitException("no Conv, Gemm or BatchNormalization weights between the input and layer " + layer
            + " of " + backbone.description() + ": nothing to fine-tune");
      }
      trainedGroups.addAll(TorchScriptTrunk.lastGroups(new ArrayList<>(groups.keySet()), unfreezeLast));
      for (String g : trainedGroups) {
        for (String name : groups.get(g)) {
          NDArray w = trunk.constant(name);
          w.setRequiresGradient(true);
          trained.put(name, w);
          addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optArray(w).build());
        }
      }
      checkAgainst(backbone, layer);
    } catch (RuntimeException e) {
      params.close();
      throw e;
    }
  }

  /** The interpreted trunk must give ONNX Runtime's activations. */
  private void checkAgainst(OnnxModel backbone, String layer) {
    int[] in = backbone.inputSize();
    try (NDManager scope = params.newSubManager()) {
      Engine.getEngine("PyTorch").setRandomSeed(5);
      NDArray x = scope.randomUniform(-1, 1, new Shape(1, 3, in[0], in[1]));
      NDArray ort = backbone.features(scope, x, layer);
      NDArray mine = withoutGrad(() -> trunk.apply(scope, x));
      float err = mine.sub(ort).abs().max().getFloat();
      float scale = Math.max(1e-6f, ort.abs().max().getFloat());
      if (!(err <= 1e-3f * scale)) {
        throw new CamkitException("camkit's DJL run of " + backbone.description() + " up to " + layer + " differs from"
            + " ONNX Runtime's (max diff " + err + " of " + scale + "): it cannot be fine-tuned exactly");
      }
    }
  }

  private static NDArray withoutGrad(java.util.function.Supplier<NDArray> f) {
    boolean prev = ai.djl.pytorch.jni.JniUtils.isGradMode();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    try {
      return f.get();
    } finally {
      ai.djl.pytorch.jni.JniUtils.setGradMode(prev);
    }
  }

  @Override
  public List<String> trainedGroups() {
    return List.copyOf(trainedGroups);
  }

  @Override
  public String batchNorm() {
    return "inference form (ONNX BatchNormalization): statistics are constants";
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
    NDArray x = inputs.singletonOrThrow();
    return new NDList(training ? trunk.apply(x.getManager(), x) : withoutGrad(() -> trunk.apply(x.getManager(), x)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    try (NDManager scope = params.newSubManager()) {
      return new Shape[] {withoutGrad(() -> trunk.apply(scope, scope.zeros(inputShapes[0]))).getShape()};
    }
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // the weights are the model's initializers: nothing to draw
  }

  /** Writes a copy of the ONNX model with the trained initializers (through a temporary file). */
  @Override
  public void save(Path file) throws IOException {
    Map<String, float[]> values = new LinkedHashMap<>();
    trained.forEach((name, w) -> values.put(name, w.toFloatArray()));
    byte[] bytes = graph.withInitializers(values);
    AtomicFiles.write(file, out -> out.write(bytes));
  }

  @Override
  public void close() {
    params.close();
  }
}
