package io.camkit.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.ConstantInitializer;
import io.camkit.model.HeadOptions;
import io.camkit.model.pooling.LogSumExpPooling;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.camkit.model.pooling.SpatialPooling;

/**
 * A class-map head: a 1×1 convolution from K feature maps to {@code C·M} class maps, then a
 * spatial pooling to C scores. Its class maps are the CAM directly.
 *
 * <p>With GAP, this head and "GAP then linear" give the same scores: for weights {@code w = [C,
 * K]} and bias {@code b}, {@code GAP(w · f + b) = w · GAP(f) + b}, because the 1×1 convolution is
 * linear and the same at every position, and averaging commutes with a linear map. The maps
 * differ only by the bias: {@code M_c + b_c}. With GMP, LSE or WELDON the two orders differ (the
 * pooling is not linear), and only the class-map order keeps the maps the scores came from.
 *
 * <p>With a learned β (LSE only, {@link HeadOptions#learnBeta()}) the head holds one more
 * parameter {@code ρ = [1]} and pools with {@code β = exp(ρ)}, which stays &gt; 0 whatever step
 * the optimiser takes; ρ starts at {@code ln β₀}.
 */
public final class ClassMapHead extends AbstractBlock {
  private final Conv2d conv;
  private final SpatialPooling pooling;
  private final int classes;
  private final Parameter rho; // learned LSE β = exp(ρ), else null

  /**
   * @param classes C
   * @param mapsPerClass M (1 except for WILDCAT)
   * @param pooling how the maps become scores
   */
  public ClassMapHead(int classes, int mapsPerClass, SpatialPooling pooling) {
    this.conv = addChildBlock("classmaps",
        Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(classes * mapsPerClass).build());
    this.pooling = pooling;
    this.classes = classes;
    this.rho = null;
  }

  /** The head of {@code h} for {@code classes} classes (with ρ when β is learned). */
  public ClassMapHead(int classes, HeadOptions h) {
    this.conv = addChildBlock("classmaps",
        Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(classes * h.mapsPerClass()).build());
    this.pooling = h.spatialPooling();
    this.classes = classes;
    this.rho = !h.learnBeta() ? null : addParameter(Parameter.builder()
        .setName("rho")
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(1))
        .optInitializer(new ConstantInitializer((float) Math.log(h.beta())))
        .build());
  }

  /** The current β of a learned-β LSE head, {@code exp(ρ)}; NaN for any other head. */
  public double learnedBeta() {
    return rho == null ? Double.NaN : Math.exp(rho.getArray().getFloat(0));
  }

  /** ρ of a learned-β head ({@code β = exp(ρ)}), or null. */
  public Parameter rho() {
    return rho;
  }

  /** The scores {@code [N, C]} of features {@code [N, K, h, w]}. */
  public NDArray scores(ParameterStore ps, NDArray features, boolean training) {
    return pool(ps, rawMaps(ps, features, training), training);
  }

  /** The raw 1×1-conv maps {@code [N, C·M, h, w]} of features {@code [N, K, h, w]}. */
  public NDArray rawMaps(ParameterStore ps, NDArray features, boolean training) {
    return conv.forward(ps, new NDList(features), training).singletonOrThrow();
  }

  /** The class maps {@code [N, C, h, w]} the scores are pooled from (the CAM of this head). */
  public NDArray classMaps(ParameterStore ps, NDArray features, boolean training) {
    return pooling.classMaps(rawMaps(ps, features, training));
  }

  public Conv2d conv() {
    return conv;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(pool(ps, rawMaps(ps, inputs.singletonOrThrow(), training), training));
  }

  /** Pools class maps {@code [N, C·M, h, w]} into scores {@code [N, C]}. */
  private NDArray pool(ParameterStore ps, NDArray maps, boolean training) {
    if (rho == null) {
      return pooling.apply(maps);
    }
    NDArray r = ps.getValue(rho, maps.getDevice(), training);
    return LogSumExpPooling.apply(maps, r.exp());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv.initialize(manager, dataType, inputShapes);
  }
}
