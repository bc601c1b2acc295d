package io.camkit.interop.torchscript;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.camkit.core.CamkitException;
import io.camkit.interop.ClassOrder;
import io.camkit.interop.ImportedModel;
import io.camkit.model.layers.LayerInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A TorchScript classifier whose {@code forward(x)} returns {@code (features, logits)} (the
 * layout of {@code ../shared/data/weights_*}): one targetable layer, {@code features}.
 *
 * <p>A feature map returned next to the logits cannot be differentiated through the module (it
 * is not a leaf). When the card names the linear classifier ({@code classifier.weight}, {@code [C,
 * K]} or {@code [C, K, 1, 1]}: GAP + linear, or 1×1 conv + GAP, which is the same map), camkit
 * runs the head itself, {@code y = W · GAP(A) + b}, after checking at load that it reproduces the
 * model's logits (to 1e-3 relative); then CAM and every gradient method work at {@code features}.
 * Without it only forward methods (CAM needs the classifier too, so Score-CAM) work, and gradient
 * methods are refused with the export that would allow them.
 */
public final class TorchScriptForwardModel extends ImportedModel {
  public static final String LAYER = "features";

  private final Model model;
  private final TorchScriptCard card;
  private final int featuresAt;
  private final LayerInfo layer;
  private final NDArray weight; // [C, K] in class order, or null
  private final NDArray bias; // [C]
  private final ClassOrder order;

  private TorchScriptForwardModel(Model model, TorchScriptCard card, String description) {
    super(description, card.scaling());
    this.model = model;
    this.card = card;
    this.featuresAt = card.forward().indexOf("features");
    model.getBlock().freezeParameters(true);
    NDManager keep = model.getNDManager();
    try (NDManager scope = keep.newSubManager()) {
      NDList out = run(scope, scope.zeros(new Shape(1, 3, card.height(), card.width())));
      NDArray a = out.get(featuresAt);
      NDArray y = out.get(1 - featuresAt);
      if (a.getShape().dimension() != 4 || y.getShape().dimension() != 2) {
        throw new CamkitException(description + ": forward returns " + a.getShape() + " and " + y.getShape()
            + ", not features [N, K, h, w] and logits [N, C] in the card's order " + card.forward());
      }
      int c = (int) y.getShape().get(1);
      Shape s = a.getShape();
      this.layer = new LayerInfo(LAYER, "TorchScript forward output", new long[] {s.get(1), s.get(2), s.get(3)});
      this.order = ClassOrder.of(card.classOrder(), c, description);
      setClasses(ClassOrder.names(card.classes(), c, description));
    }
    if (card.classifier() != null) {
      Parameter w = null;
      Parameter b = null;
      for (var p : model.getBlock().getParameters()) {
        if (p.getKey().equals(card.classifier())) {
          w = p.getValue();
        } else if (p.getKey().equals(card.classifier().replaceFirst("weight$", "bias"))) {
          b = p.getValue();
        }
      }
      if (w == null) {
        throw new CamkitException(description + " has no parameter " + card.classifier() + " (the card's classifier)");
      }
      long cc = w.getArray().getShape().get(0);
      NDArray wm = order.rows(w.getArray().reshape(cc, -1).duplicate());
      NDArray bm = order.rows(b == null ? keep.zeros(new Shape(cc)) : b.getArray().duplicate());
      wm.attach(keep);
      bm.attach(keep);
      this.weight = wm;
      this.bias = bm;
      checkHead();
    } else {
      this.weight = null;
      this.bias = null;
    }
  }

  private void checkHead() {
    try (NDManager scope = model.getNDManager().newSubManager()) {
      ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(7);
      NDArray x = scope.randomUniform(-1, 1, new Shape(2, 3, card.height(), card.width()));
      NDArray y = logits(scope, x);
      NDArray mine = head(scope, features(scope, x, LAYER), LAYER);
      float err = mine.sub(y).abs().max().getFloat();
      float scale = Math.max(1e-6f, y.abs().max().getFloat());
      if (!(err <= 1e-3f * scale)) {
        throw new CamkitException(description() + ": W · GAP(features) + b with W = " + card.classifier()
            + " does not reproduce the model's logits (max diff " + err + "): the classifier is not linear after"
            + " global average pooling; export features(x)/head(f) methods instead");
      }
    }
  }

  /** Loads {@code file} with its card ({@code forward} outputs given). */
  public static TorchScriptForwardModel load(Path file, TorchScriptCard card) {
    return TorchScriptFiles.open(file, m -> new TorchScriptForwardModel(m, card, file.getFileName().toString()));
  }

  private NDList run(NDManager scope, NDArray x) {
    return TorchScriptFiles.withoutGrad(() -> {
      try {
        NDList out = model.getBlock().forward(new ParameterStore(scope, false), new NDList(x), false);
        out.attach(scope);
        return out;
      } catch (RuntimeException e) {
        throw new CamkitException("forward of " + description() + " failed: " + TorchScriptFiles.firstLine(e.getMessage()), e);
      }
    });
  }

  @Override
  public List<LayerInfo> layers() {
    return List.of(layer);
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    NDArray y = run(scope, x).get(1 - featuresAt);
    return order.apply(y);
  }

  @Override
  public NDArray features(NDManager scope, NDArray x, String name) {
    layer(name);
    return run(scope, x).get(featuresAt);
  }

  @Override
  public NDArray head(NDManager scope, NDArray a, String name) {
    layer(name);
    if (weight == null) {
      throw new CamkitException(description() + " returns (features, logits) from forward, so camkit cannot run its head"
          + " alone: name its linear classifier in the card (\"classifier\": \"classifier.weight\") or export"
          + " features(x)/head(f) methods");
    }
    long n = a.getShape().get(0);
    long k = a.getShape().get(1);
    NDArray pooled = a.reshape(n, k, a.getShape().get(2) * a.getShape().get(3)).mean(new int[] {2}); // [N, K]
    NDArray wt = weight.transpose(); // a view born in the model's manager: moved to the call's scope
    wt.attach(scope);
    return pooled.matMul(wt).add(bias);
  }

  @Override
  public boolean supportsGradients() {
    return weight != null;
  }

  @Override
  public Optional<NDArray> classifierWeights(String name) {
    layer(name);
    return Optional.ofNullable(weight);
  }

  @Override
  public void close() {
    model.close();
  }
}
