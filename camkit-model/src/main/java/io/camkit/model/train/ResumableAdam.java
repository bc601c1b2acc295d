package io.camkit.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) with decoupled weight decay, whose state (first and
 * second moments, step count) can be saved with a checkpoint, so a resumed run continues exactly
 * where it stopped. DJL's own Adam keeps its state private.
 *
 * <pre>
 *   m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
 *   w ← w − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) − η λ w
 * </pre>
 *
 * with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (the paper's defaults).
 */
final class ResumableAdam {
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-8f;

  private final NDManager manager;
  private final Map<String, NDArray> means = new HashMap<>();
  private final Map<String, NDArray> variances = new HashMap<>();
  private long step;

  ResumableAdam(NDManager manager) {
    this.manager = manager;
  }

  long step() {
    return step;
  }

  /** Counts one optimisation step; call once per batch, before the parameter updates. */
  void nextStep() {
    step++;
  }

  /** Updates one weight in place from its gradient; {@code decay} is λ for this weight. */
  void update(String id, NDArray weight, NDArray grad, float lr, float decay) {
    NDArray m = means.computeIfAbsent(id, k -> manager.zeros(weight.getShape()));
    NDArray v = variances.computeIfAbsent(id, k -> manager.zeros(weight.getShape()));
    try (NDArray g1 = grad.mul(1 - BETA1);
        NDArray g2 = grad.square()) {
      m.muli(BETA1).addi(g1);
      g2.muli(1 - BETA2);
      v.muli(BETA2).addi(g2);
    }
    float c1 = (float) (1 - StrictMath.pow(BETA1, step));
    float c2 = (float) (1 - StrictMath.pow(BETA2, step));
    if (decay > 0) {
      weight.muli(1 - lr * decay);
    }
    try (NDArray vHat = v.div(c2);
        NDArray denom = vHat.sqrt();
        NDArray num = m.mul(lr / c1)) {
      denom.addi(EPSILON);
      num.divi(denom);
      weight.subi(num);
    }
  }

  /** Writes the step count and moments. */
  void save(DataOutputStream out) throws IOException {
    out.writeLong(step);
    NDList list = new NDList();
    for (var e : new TreeMap<>(means).entrySet()) {
      NDArray m = e.getValue().duplicate();
      m.setName("m:" + e.getKey());
      list.add(m);
      NDArray v = variances.get(e.getKey()).duplicate();
      v.setName("v:" + e.getKey());
      list.add(v);
    }
    byte[] bytes = list.encode();
    list.close();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  void load(DataInputStream in) throws IOException {
    step = in.readLong();
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    NDList list = NDList.decode(manager, bytes);
    for (NDArray a : list) {
      String name = a.getName();
      (name.startsWith("m:") ? means : variances).put(name.substring(2), a);
    }
  }
}
