package io.camkit.model.arch;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Counts the scalars of an initialised block's parameters (batch-norm running statistics included). */
public final class ParameterCount {
  private ParameterCount() {}

  public static long of(Block block) {
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      n += p.getValue().getArray().size();
    }
    return n;
  }
}
