package io.camkit.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.RgbImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link CamNet} with its weights and class names: the model that training produces and that
 * explainers read. A model folder holds {@code model.params} (DJL parameter stream) and {@code
 * model.json} (the {@link ModelCard}). Close it to free the native weights.
 */
public final class CamModel implements AutoCloseable {
  public static final String PARAMS = "model.params";

  private final Model model;
  private final CamNet net;
  private final List<String> classes;

  private CamModel(Model model, CamNet net, List<String> classes) {
    this.model = model;
    this.net = net;
    this.classes = List.copyOf(classes);
  }

  /** A new network with freshly initialised weights (seed the engine first). */
  public static CamModel create(CamNetOptions options, List<String> classes) {
    if (classes.size() != options.classes()) {
      throw new IllegalArgumentException(classes.size() + " class names for " + options.classes() + " classes");
    }
    Model model = Model.newInstance("camnet");
    CamNet net = new CamNet(options);
    model.setBlock(net);
    // He (Kaiming) normal initialisation, suited to ReLU nets: N(0, 2 / fan_in).
    net.setInitializer(
        new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
        Parameter.Type.WEIGHT);
    net.initialize(model.getNDManager(), DataType.FLOAT32, inputShape(options, 1));
    return new CamModel(model, net, classes);
  }

  /** Loads a model folder written by {@link #save}. */
  public static CamModel load(Path dir) {
    ModelCard card = ModelCard.read(dir);
    CamModel m = create(card.options(), card.classes());
    try {
      m.loadParameters(dir.resolve(PARAMS));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return m;
  }

  public static Shape inputShape(CamNetOptions o, int batch) {
    return new Shape(batch, 3, o.imageSize(), o.imageSize());
  }

  public CamNet net() {
    return net;
  }

  public CamNetOptions options() {
    return net.options();
  }

  public List<String> classes() {
    return classes;
  }

  public Model djlModel() {
    return model;
  }

  public NDManager manager() {
    return model.getNDManager();
  }

  /**
   * Inference (batch norm in eval mode) on images resized to the model's input: returns {@code
   * [features [N, K, h, w], logits [N, C]]}, attached to {@code scope}.
   */
  public NDList forward(NDManager scope, List<RgbImage> images) {
    NDArray x = InputBatch.of(scope, images, options());
    return net.forwardWithFeatures(new ParameterStore(scope, false), x, false);
  }

  /**
   * The class maps {@code [N, C, h, w]} of a class-map head for features {@code f} from {@link
   * #forward} (bias included: they are what the scores are pooled from). The GAP head has none:
   * its CAM is computed from {@link CamNet#classWeights()}.
   */
  public NDArray headClassMaps(NDManager scope, NDArray f) {
    if (net.classMapHead() == null) {
      throw new IllegalStateException("the GAP head has no class maps of its own");
    }
    return net.classMapHead().classMaps(new ParameterStore(scope, false), f, false);
  }

  /** Writes the weights to {@code file} atomically. */
  public void saveParameters(Path file) throws IOException {
    AtomicFiles.write(
        file,
        out -> {
          DataOutputStream dos = new DataOutputStream(out);
          net.saveParameters(dos);
          dos.flush();
        });
  }

  public void loadParameters(Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      net.loadParameters(manager(), new DataInputStream(in));
    } catch (IOException | MalformedModelException e) {
      throw new CamkitException("cannot load weights " + file + ": " + e.getMessage(), e);
    }
  }

  /** Saves weights then card into {@code dir} (the card last, so a folder with a card is whole). */
  public void save(Path dir, ModelCard card) throws IOException {
    Files.createDirectories(dir);
    saveParameters(dir.resolve(PARAMS));
    card.write(dir);
  }

  @Override
  public void close() {
    model.close();
  }
}
