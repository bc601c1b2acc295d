package io.camkit.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.camkit.model.pooling.GlobalAveragePooling;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {
  private static long parameters(Block b, Shape input) {
    try (NDManager m = NDManager.newBaseManager()) {
      b.initialize(m, DataType.FLOAT32, input);
      return ParameterCount.of(b);
    }
  }

  @Test
  void parameterCountsMatchTheKerasSummaries() {
    Shape in = new Shape(1, 1, 64, 64);
    assertThat(parameters(KerasBaselines.cnnFlatten(10, 0.5f), in)).isEqualTo(388_298);
    assertThat(parameters(KerasBaselines.cnnGap(10, 0.5f), in)).isEqualTo(101_578);
    assertThat(parameters(KerasBaselines.trunk(), in)).isEqualTo(92_672);
  }

  @Test
  void gapVariantTakesAnyInputSizeAndTheTrunkEndsAt12By12() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block gap = KerasBaselines.cnnGap(10, 0.5f);
      gap.initialize(m, DataType.FLOAT32, new Shape(1, 1, 64, 64));
      NDArray big = m.zeros(new Shape(2, 1, 100, 80));
      assertThat(gap.forward(new ParameterStore(m, false), new NDList(big), false).singletonOrThrow().getShape())
          .isEqualTo(new Shape(2, 10));
      Block trunk = KerasBaselines.trunk();
      trunk.initialize(m, DataType.FLOAT32, new Shape(1, 1, 64, 64));
      // 64 -conv-> 62 -pool-> 31 -conv-> 29 -pool-> 14 -conv-> 12; a last pool gives 6·6·128 = 4608.
      assertThat(trunk.getOutputShapes(new Shape[] {new Shape(1, 1, 64, 64)})[0]).isEqualTo(new Shape(1, 128, 12, 12));
    }
  }

  @Test
  void gapThenLinearEqualsClassMapsThenGap() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(9);
      NDArray f = m.randomUniform(0, 1, new Shape(3, 8, 5, 6));
      ParameterStore ps = new ParameterStore(m, false);
      Linear linear = Linear.builder().setUnits(4).build();
      linear.initialize(m, DataType.FLOAT32, new Shape(3, 8));
      ClassMapHead head = new ClassMapHead(4, 1, new GlobalAveragePooling());
      head.initialize(m, DataType.FLOAT32, f.getShape());
      // Give the 1×1 conv the linear layer's weights [4, 8] -> [4, 8, 1, 1] and bias.
      head.conv().getParameters().get("weight").getArray().set(linear.getParameters().get("weight").getArray().reshape(4, 8, 1, 1).toFloatArray());
      head.conv().getParameters().get("bias").getArray().set(linear.getParameters().get("bias").getArray().toFloatArray());
      NDArray viaLinear = linear.forward(ps, new NDList(new GlobalAveragePooling().apply(f)), false).singletonOrThrow();
      NDArray viaMaps = head.forward(ps, new NDList(f), false).singletonOrThrow();
      assertThat(viaMaps.toFloatArray()).containsExactly(viaLinear.toFloatArray(), within(1e-5f));
    }
  }
}
