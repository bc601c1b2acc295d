package io.camkit.model.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The 2×2 transposed convolution of stride 2, {@code [N, C_in, h, w] → [N, C_out, 2h, 2w]}: each
 * input position spreads into its own 2×2 output cell, {@code y[o, 2i + a, 2j + b] = Σ_c x[c, i,
 * j] · W[c, o, a, b] + β_o} (no two cells overlap, so it is one matrix product, {@code [N·h·w,
 * C_in] × [C_in, C_out·4]}, then a rearrangement). DJL's PyTorch engine has no deconvolution, so
 * the segmenters use this block; its weight has PyTorch's {@code ConvTranspose2d} layout {@code
 * [C_in, C_out, 2, 2]}.
 */
public final class Upsample2x extends AbstractBlock {
  private final int filters;
  private final Parameter weight;
  private final Parameter bias;

  public Upsample2x(int filters) {
    this.filters = filters;
    this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
    this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
  }

  @Override
  public void prepare(Shape[] inputShapes) {
    weight.setShape(new Shape(inputShapes[0].get(1), filters, 2, 2));
    bias.setShape(new Shape(filters));
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = ps.getValue(bias, x.getDevice(), training);
    return new NDList(apply(x, w, b));
  }

  /** {@code x [N, C_in, h, w]}, {@code w [C_in, C_out, 2, 2]}, {@code b [C_out]} → {@code [N, C_out, 2h, 2w]}. */
  public static NDArray apply(NDArray x, NDArray w, NDArray b) {
    long n = x.getShape().get(0);
    long cin = x.getShape().get(1);
    long h = x.getShape().get(2);
    long wd = x.getShape().get(3);
    long cout = w.getShape().get(1);
    NDArray rows = x.transpose(0, 2, 3, 1).reshape(n * h * wd, cin); // [N·h·w, C_in]
    NDArray cells = rows.matMul(w.reshape(cin, cout * 4)); // [N·h·w, C_out·2·2]
    return cells.reshape(n, h, wd, cout, 2, 2).transpose(0, 3, 1, 4, 2, 5).reshape(n, cout, 2 * h, 2 * wd)
        .add(b.reshape(1, cout, 1, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    Shape s = inputs[0];
    return new Shape[] {new Shape(s.get(0), filters, 2 * s.get(2), 2 * s.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}
}
