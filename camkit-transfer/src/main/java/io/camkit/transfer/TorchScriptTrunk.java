package io.camkit.transfer;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.interop.torchscript.TorchScriptCard;
import io.camkit.model.train.Gradients;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TorchScript backbone as a trainable DJL block: {@code x [N, 3, H, W]} (scaled as the card
 * says) {@code → A [N, K, h, w]}, the activations of one layer (the {@code features} output of a
 * {@code forward} that returns {@code (features, logits)}, or a split's {@code features} method).
 *
 * <p><b>Batch norm stays in inference mode.</b> DJL records autograd through a TorchScript module
 * only when its block runs with {@code training = true}, and switching the block to training mode
 * also calls {@code module.train()}, which makes batch norm normalise with batch statistics and
 * overwrite its running statistics. Inference mode does not turn autograd off, though: this block
 * loads its own copy of the file (never the model camkit explains with), puts the module in eval
 * mode underneath DJL ({@code JniUtils.enableInferenceMode}) while DJL's flag stays on training,
 * and always calls it with {@code training = true}. So gradients flow to the weights, while batch
 * norm uses (and keeps) its running statistics and dropout is off: the usual practice when
 * fine-tuning with small batches. Outside a gradient collector the forward runs with grad mode
 * off.
 *
 * <p><b>What trains.</b> The parameter groups (modules with parameters, by name prefix: {@code
 * features.92} holds {@code features.92.weight}) that feed the layer are found by one backward
 * pass of {@code ΣA} on a random input: a group is kept when one of its parameters gets a non-zero
 * gradient (the classifier after the layer gets none). The last {@code unfreezeLast} of them, in
 * the module's parameter order (its forward order for sequential networks), train; 0 trains all.
 * Every other parameter stays frozen.
 *
 * <p>The module's weights are updated in place; {@link #save} writes the whole module as a new
 * TorchScript file. The imported file is only read.
 */
final class TorchScriptTrunk extends AbstractBlock implements ImportedTrunk {
  private static final String METHOD = "module_method:";

  private final Model model;
  private final PtSymbolBlock module;
  private final String method; // a split's features method, or null for forward's output
  private final int output; // index of the features among forward's outputs
  private final List<String> trainedGroups;

  private TorchScriptTrunk(Model model, String method, int output, long[] inputShape, int unfreezeLast) {
    this.model = model;
    this.module = (PtSymbolBlock) model.getBlock();
    this.method = method;
    this.output = output;
    JniUtils.enableInferenceMode(module); // module.eval(); DJL's flag stays "training", see the class comment
    Map<String, List<Parameter>> groups = feedingGroups(inputShape);
    this.trainedGroups = lastGroups(new ArrayList<>(groups.keySet()), unfreezeLast);
    module.freezeParameters(true);
    for (String g : trainedGroups) {
      for (Parameter p : groups.get(g)) {
        p.freeze(false);
        addParameter(p);
      }
    }
  }

  /**
   * Opens a second copy of the TorchScript {@code file} for training, cut at {@code layer}.
   *
   * @param unfreezeLast how many of the last parameter groups feeding the layer train (0: all)
   */
  static TorchScriptTrunk open(Path file, TorchScriptCard card, String layer, int unfreezeLast) {
    String method = null;
    int output = 0;
    if (!card.forward().isEmpty()) {
      output = card.forward().indexOf("features");
    } else {
      method = card.splits().stream().filter(s -> s.layer().equals(layer)).findFirst()
          .orElseThrow(() -> new CamkitException("layer " + layer + " is not a split of the card of " + file))
          .features();
    }
    Model m = Model.newInstance(file.getFileName().toString(), "PyTorch");
    try {
      m.load(file, null, Map.of("trainParam", "true"));
      return new TorchScriptTrunk(m, method, output, new long[] {1, 3, card.height(), card.width()}, unfreezeLast);
    } catch (IOException | MalformedModelException e) {
      m.close();
      throw new CamkitException("cannot load TorchScript model " + file + " for fine-tuning: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * The last {@code k} of {@code groups} (all when {@code k} is 0).
   *
   * @throws CamkitException when {@code k} exceeds the number of groups, naming it
   */
  static List<String> lastGroups(List<String> groups, int k) {
    if (k > groups.size()) {
      throw new CamkitException("--unfreeze-last " + k + " asks for more parameter groups than the " + groups.size()
          + " that feed the layer");
    }
    return List.copyOf(groups.subList(k == 0 ? 0 : groups.size() - k, groups.size()));
  }

  /** The group of a parameter: its name without the last component ({@code features.92.weight → features.92}). */
  static String groupOf(String parameter) {
    int dot = parameter.lastIndexOf('.');
    return dot < 0 ? parameter : parameter.substring(0, dot);
  }

  /** The groups whose parameters get a gradient from {@code ΣA} on a random input, in parameter order. */
  private Map<String, List<Parameter>> feedingGroups(long[] inputShape) {
    module.freezeParameters(false);
    PairList<String, Parameter> all = module.getParameters();
    Map<String, List<Parameter>> groups = new LinkedHashMap<>();
    try (NDManager scope = model.getNDManager().newSubManager()) {
      Engine.getEngine("PyTorch").setRandomSeed(11);
      NDArray x = scope.randomUniform(-1, 1, new Shape(inputShape));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(run(scope, x).sum());
      }
      for (Pair<String, Parameter> p : all) {
        NDArray g;
        try {
          g = p.getValue().getArray().getGradient();
        } catch (IllegalStateException notInTheGraph) {
          continue; // PyTorch left its gradient undefined: the parameter comes after the layer
        }
        try (g) {
          if (g.abs().sum().getFloat() > 0) {
            groups.computeIfAbsent(groupOf(p.getKey()), k -> new ArrayList<>());
          }
        }
        Gradients.clear(p.getValue().getArray());
      }
      for (Pair<String, Parameter> p : all) {
        List<Parameter> g = groups.get(groupOf(p.getKey()));
        if (g != null) {
          g.add(p.getValue());
        }
      }
    }
    if (groups.isEmpty()) {
      throw new CamkitException("no parameter of " + model.getName() + " feeds its features: nothing to fine-tune");
    }
    return groups;
  }

  private NDArray run(NDManager scope, NDArray x) {
    NDList in = new NDList(x);
    if (method != null) {
      NDArray marker = scope.create(0f);
      marker.setName(METHOD + method);
      in.add(marker);
    }
    NDList out = module.forward(new ParameterStore(scope, false), in, true);
    NDArray a = out.get(output);
    a.attach(scope);
    return a;
  }

  @Override
  public List<String> trainedGroups() {
    return trainedGroups;
  }

  @Override
  public String batchNorm() {
    return "running statistics (eval mode)";
  }

  /** {@code x [N, 3, H, W] → A [N, K, h, w]}; {@code training} is ignored: batch norm always uses running statistics. */
  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (training) {
      return new NDList(run(x.getManager(), x));
    }
    boolean prev = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return new NDList(run(x.getManager(), x));
    } finally {
      JniUtils.setGradMode(prev);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    try (NDManager scope = model.getNDManager().newSubManager()) {
      return new Shape[] {forward(new ParameterStore(scope, false), new NDList(scope.zeros(inputShapes[0])), false)
          .singletonOrThrow().getShape()};
    }
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // the module's weights are loaded: nothing to draw
  }

  /** Writes the whole module, with its current weights, as a TorchScript file (through a temporary file). */
  @Override
  public void save(Path file) throws IOException {
    AtomicFiles.write(file, out -> JniUtils.writeModule(module, out, false));
  }

  @Override
  public void close() {
    model.close();
  }
}
