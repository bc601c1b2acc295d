package io.camkit.interop.torchscript;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.camkit.core.CamkitException;
import io.camkit.interop.ClassOrder;
import io.camkit.interop.ImportedModel;
import io.camkit.model.layers.BiasTap;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.TokenLayer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A TorchScript classifier that exports {@code features(x)}/{@code head(f)} method pairs (one pair
 * per targetable layer, named in its {@link TorchScriptCard}), run by DJL's PyTorch engine.
 *
 * <p>It is loaded with {@code trainParam=true} (DJL's inference-mode loading cannot record
 * autograd), its parameters frozen and the module in eval mode, so batch norm uses its running
 * statistics. A method other than {@code forward} is selected by an extra input named {@code
 * module_method:NAME}.
 *
 * <p>DJL runs a TorchScript method without autograd unless the block is in training mode, and
 * switching the block to training mode also switches the module's batch norm and dropout to
 * training behaviour. So the block is switched once (on a dummy input), the module is put back in
 * eval mode underneath, and every later call runs with DJL's training flag: the head records
 * autograd inside a gradient collector while batch norm keeps its running statistics; features
 * and logits run with grad mode off.
 *
 * <p>A {@code features} method may also return transformer tokens {@code [N, T, D]}: the layer is
 * then seen as the map {@code [N, D, h, w]} of its patch tokens ({@link TokenLayer}, with the grid
 * of the card's {@code tokens}/{@code classTokens}, else inferred), and {@code head} takes that map.
 *
 * <p>CAM needs the classifier weights {@code w [C, K]}; a frozen export has none to read, so they
 * are <em>measured</em>: if {@code head(A) = w · GAP(A) + b} then {@code head} of a constant map
 * equal to 1 on channel k and 0 elsewhere is {@code w[:, k] + b}. K + 1 such probes give {@code
 * w}; a random probe then confirms the head is GAP + linear (to 1e-4 relative), otherwise CAM is
 * refused for that layer.
 */
public final class TorchScriptModel extends ImportedModel {
  private static final String METHOD = "module_method:";

  private final Model model;
  private final Block block;
  private final TorchScriptCard card;
  private final List<LayerInfo> layers = new ArrayList<>();
  private final Map<String, Optional<NDArray>> weights = new HashMap<>();
  private final Map<String, TokenLayer> tokenLayers = new HashMap<>();

  private TorchScriptModel(Model model, TorchScriptCard card, String description) {
    super(description, card.scaling());
    this.model = model;
    this.block = model.getBlock();
    this.card = card;
    block.freezeParameters(true);
    primeForGradients();
    int classCount = -1;
    try (NDManager scope = model.getNDManager().newSubManager()) {
      NDArray x = scope.zeros(new Shape(1, 3, card.height(), card.width()));
      for (TorchScriptCard.Split s : card.splits()) {
        NDArray a = TorchScriptFiles.withoutGrad(() -> run(scope, s.features(), x));
        Shape sh = a.getShape();
        if (sh.dimension() != 4 && sh.dimension() != 3) {
          throw new CamkitException("method " + s.features() + " of " + description() + " returns " + sh
              + ", neither a [N, K, h, w] feature map nor transformer tokens [N, T, D]");
        }
        NDArray y = TorchScriptFiles.withoutGrad(() -> run(scope, s.head(), a));
        classCount = (int) y.getShape().get(1);
        String kind = "TorchScript " + s.features() + "/" + s.head();
        if (sh.dimension() == 3) {
          TokenLayer t = TokenLayer.of(s.layer(), sh.getShape(), card.tokenGrid());
          tokenLayers.put(s.layer(), t);
          layers.add(new LayerInfo(s.layer(), kind + ", " + t.describe(), t.mapShape(sh.get(2))));
        } else {
          layers.add(new LayerInfo(s.layer(), kind, new long[] {sh.get(1), sh.get(2), sh.get(3)}));
        }
      }
    }
    setClasses(ClassOrder.names(card.classes(), classCount, description));
  }

  /** Loads {@code file} with the card beside it. */
  public static TorchScriptModel load(Path file) {
    return load(file, TorchScriptCard.besides(file));
  }

  public static TorchScriptModel load(Path file, TorchScriptCard card) {
    if (card.splits().isEmpty()) {
      throw new CamkitException("the card of " + file + " names no features/head split; a model whose forward returns"
          + " (features, logits) is opened by TorchScriptForwardModel (Models.open chooses)");
    }
    return TorchScriptFiles.open(file, m -> new TorchScriptModel(m, card, file.getFileName().toString()));
  }

  private void primeForGradients() {
    TorchScriptCard.Split first = card.splits().get(0);
    try (NDManager scope = model.getNDManager().newSubManager()) {
      NDArray x = scope.zeros(new Shape(1, 3, card.height(), card.width()));
      TorchScriptFiles.withoutGrad(() -> run(scope, first.features(), x));
    }
    JniUtils.enableInferenceMode((PtSymbolBlock) block);
  }

  private NDArray run(NDManager scope, String method, NDArray in) {
    NDArray marker = scope.create(0f);
    marker.setName(METHOD + method);
    NDList out;
    try {
      out = block.forward(new ParameterStore(scope, false), new NDList(in, marker), true);
    } catch (RuntimeException e) {
      throw new CamkitException("method " + method + " of " + description() + " failed: " + TorchScriptFiles.firstLine(e.getMessage()), e);
    }
    NDArray r = out.get(0);
    r.attach(scope);
    return r;
  }

  public TorchScriptCard card() {
    return card;
  }

  @Override
  public List<LayerInfo> layers() {
    return List.copyOf(layers);
  }

  @Override
  public NDArray logits(NDManager scope, NDArray x) {
    TorchScriptCard.Split last = card.splits().get(card.splits().size() - 1);
    return TorchScriptFiles.withoutGrad(() -> run(scope, last.head(), run(scope, last.features(), x)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>At a transformer layer (a {@code features} method returning tokens {@code [N, T, D]}) the
   * tokens are returned as the map {@code [N, D, h, w]} of their {@link TokenLayer}.
   */
  @Override
  public NDArray features(NDManager scope, NDArray x, String layer) {
    NDArray a = TorchScriptFiles.withoutGrad(() -> run(scope, split(layer).features(), x));
    TokenLayer t = tokenLayers.get(layer);
    return t == null ? a : t.toMap(scope, a);
  }

  /** {@inheritDoc} At a transformer layer the map is turned back into tokens first ({@link TokenLayer#toTokens}). */
  @Override
  public NDArray head(NDManager scope, NDArray a, String layer) {
    TokenLayer t = tokenLayers.get(split(layer).layer());
    return run(scope, split(layer).head(), t == null ? a : t.toTokens(a));
  }

  /**
   * The features method run with autograd on (the module stays in eval mode, so batch norm keeps
   * its running statistics). The script runs as one call, so no layer's bias is seen.
   */
  @Override
  public NDArray inputDifferentiableFeatures(NDManager scope, NDArray x, String layer, BiasTap biases) {
    NDArray a = run(scope, split(layer).features(), x);
    TokenLayer t = tokenLayers.get(layer);
    return t == null ? a : t.toMap(scope, a);
  }

  @Override
  public boolean supportsInputGradients() {
    return true;
  }

  private TorchScriptCard.Split split(String layer) {
    layer(layer);
    return card.splits().stream().filter(s -> s.layer().equals(layer)).findFirst().orElseThrow();
  }

  @Override
  public boolean supportsGradients() {
    return true;
  }

  @Override
  public synchronized Optional<NDArray> classifierWeights(String layer) {
    LayerInfo info = layer(layer);
    TokenLayer t = tokenLayers.get(layer);
    if (t != null && t.grid().classTokens() > 0) {
      return Optional.empty(); // the head reads class tokens, which are not part of the map
    }
    return weights.computeIfAbsent(layer, l -> probe(l, info));
  }

  private Optional<NDArray> probe(String layer, LayerInfo info) {
    long[] s = info.shape();
    int k = (int) s[0];
    NDManager keep = model.getNDManager();
    try (NDManager scope = keep.newSubManager()) {
      // row 0: all zeros (gives b); row j+1: channel j = 1 everywhere (gives w[:, j] + b)
      NDArray eye = scope.eye(k);
      NDArray probes = scope.zeros(new Shape(1, k)).concat(eye, 0).reshape(k + 1, k, 1, 1)
          .repeat(2, s[1]).repeat(3, s[2]);
      List<NDArray> outs = new ArrayList<>();
      for (int from = 0; from <= k; from += 64) {
        long to = Math.min(k + 1, from + 64);
        outs.add(head(scope, probes.get(from + ":" + to), layer));
      }
      NDArray y = ai.djl.ndarray.NDArrays.concat(new NDList(outs)); // [K+1, C]
      NDArray b = y.get("0"); // [C]
      NDArray w = y.get("1:").sub(b).transpose(); // [C, K]
      // confirm linearity in GAP(A) on a random map
      ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(12345);
      NDArray a = scope.randomUniform(0, 2, new Shape(1, s[0], s[1], s[2]));
      NDArray expected = w.matMul(a.reshape(1, k, s[1] * s[2]).mean(new int[] {2}).transpose()).transpose().add(b);
      NDArray actual = head(scope, a, layer);
      float err = actual.sub(expected).abs().max().getFloat();
      float scale = Math.max(1e-6f, actual.abs().max().getFloat());
      if (!(err <= 1e-4f * scale)) {
        return Optional.empty();
      }
      w.attach(keep);
      return Optional.of(w);
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
