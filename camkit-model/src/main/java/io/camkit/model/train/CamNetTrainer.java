package io.camkit.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.camkit.core.CamkitException;
import io.camkit.core.Interruption;
import io.camkit.core.Permutations;
import io.camkit.dataset.Dataset;
import ai.djl.util.PairList;
import io.camkit.model.CamModel;
import io.camkit.model.CamNet;
import io.camkit.model.wsol.CutMix;
import io.camkit.model.wsol.HideAndSeek;
import io.camkit.model.wsol.WsolOptions;
import io.camkit.model.CamNetOptions;
import io.camkit.model.DataDescription;
import io.camkit.model.InputBatch;
import io.camkit.model.ModelCard;
import io.camkit.core.Version;
import java.time.Instant;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Trains a {@link CamModel} from image-level labels only (softmax cross-entropy, or binary
 * cross-entropy on multi-hot targets when {@link TrainOptions#multiLabel()}), with Adam, a
 * warm-up + cosine learning-rate schedule and flip/translation augmentation, and the network's WSOL
 * method ({@link WsolOptions}: HaS hides patches after the flips and shifts, CutMix mixes the
 * batch, ADL's per-step draw and ACoL's labels go to the forward pass), every random draw from the
 * epoch's seeded generator so that a resumed run is exact. After every epoch it
 * validates and writes an atomic checkpoint; {@link #fit} resumes from the last checkpoint of its
 * folder. Seeded: the same options, data and seed give the same weights.
 *
 * <p>Before every step it asks whether to stop ({@link Interruption#requested()} unless
 * {@link #stopWhen} says otherwise); if so it writes a checkpoint of the epoch in progress and
 * throws {@link Interruption.Interrupted}. Resuming from it gives the same weights as a run that was
 * never stopped.
 */
public final class CamNetTrainer {
  private static final int EVAL_BATCH = 256;

  private final TrainOptions options;
  private final TrainingListener listener;
  private BooleanSupplier stop = Interruption::requested;

  public CamNetTrainer(TrainOptions options, TrainingListener listener) {
    this.options = options;
    this.listener = listener;
  }

  /** Polls {@code condition} instead of {@link Interruption#requested()} before every step. */
  public CamNetTrainer stopWhen(BooleanSupplier condition) {
    this.stop = condition;
    return this;
  }

  /** A fresh network whose initial weights are drawn from {@code seed}. */
  public static CamModel newModel(CamNetOptions net, List<String> classes, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    return CamModel.create(net, classes);
  }

  /**
   * Saves a trained model with its card ({@code model.json}: camkit version, time, architecture
   * and options, classes, these training options with their seed, the data's description and the
   * learning curve) into {@code dir}, so that it can be rebuilt and trusted.
   *
   * @param dataSource what the training data was read from (a folder, generator options), recorded
   *     in the card with the data's fingerprint
   * @return the card written
   */
  public ModelCard saveModel(CamModel model, Path dir, Dataset train, Object dataSource, List<EpochStats> history)
      throws IOException {
    return saveModel(model, dir, train, dataSource, history, null);
  }

  /** As {@link #saveModel(CamModel, Path, Dataset, Object, List)}, marking {@code backgroundClass} (or none). */
  public ModelCard saveModel(CamModel model, Path dir, Dataset train, Object dataSource, List<EpochStats> history,
      String backgroundClass) throws IOException {
    ModelCard card = new ModelCard(Version.get(), Instant.now().toString(), model.options().arch(), model.options(),
        model.classes(), options, DataDescription.of(train, dataSource), history, backgroundClass);
    model.save(dir, card);
    return card;
  }

  /**
   * Trains {@code model} on {@code train}, validating on {@code val} after each epoch.
   *
   * @param checkpoints folder for per-epoch checkpoints; if it already holds one made with the
   *     same options, training resumes after its last epoch
   * @return the learning curve, one entry per epoch (including resumed ones)
   */
  public List<EpochStats> fit(CamModel model, Dataset train, Dataset val, Optional<Path> checkpoints)
      throws IOException {
    CamNetOptions net = model.options();
    if (train.size() < 2) {
      throw new CamkitException("training needs at least 2 images, got " + train.size());
    }
    if (!train.classes().equals(model.classes())) {
      throw new CamkitException("dataset classes " + train.classes() + " differ from the model's " + model.classes());
    }
    int batch = Math.min(options.batchSize(), train.size());
    int stepsPerEpoch = train.size() / batch; // the last partial batch is dropped
    long totalSteps = (long) stepsPerEpoch * options.epochs();
    ResumableAdam adam = new ResumableAdam(model.manager());
    List<EpochStats> history = new ArrayList<>();
    Checkpoint.Partial resumeFrom = null;
    if (checkpoints.isPresent()) {
      Files.createDirectories(checkpoints.get());
      Optional<Checkpoint> last = Checkpoint.read(checkpoints.get());
      if (last.isPresent()) {
        restore(model, adam, checkpoints.get(), last.get(), net);
        history.addAll(last.get().history());
        resumeFrom = last.get().partial();
      }
    }
    // After any restore: loading weights replaces the arrays, which then need gradients again.
    TrainingStep step = new TrainingStep(model.net(), model.manager(), adam, options.weightDecay());
    Augmenter augmenter = new Augmenter(options.flip(), options.maxShift());
    WsolOptions wsol = net.wsol();
    if (wsol.is("acol") && options.multiLabel()) {
      throw new CamkitException("--wsol acol trains single-label only (branch B erases by each image's one class)");
    }
    HideAndSeek has = wsol.is("has") ? new HideAndSeek(wsol.hasPatch(), wsol.hasProb()) : null;
    CutMix cutMix = wsol.is("cutmix") ? new CutMix(wsol.cutMixAlpha(), wsol.cutMixProb()) : null;
    int s = net.imageSize();
    int plane = 3 * s * s;
    int classes = net.classes();
    listener.onStart(totalSteps, adam.step());
    for (int epoch = history.size(); epoch < options.epochs(); epoch++) {
      long t0 = System.nanoTime();
      SplittableRandom rng = new SplittableRandom(options.seed() * 1_000_003L + epoch);
      int[] order = Permutations.of(train.size(), rng);
      double lossSum = 0;
      long correct = 0;
      long seen = 0;
      double earlierSeconds = 0;
      int skip = 0;
      if (resumeFrom != null) {
        skip = resumeFrom.batches();
        lossSum = resumeFrom.lossSum();
        correct = resumeFrom.correct();
        seen = resumeFrom.seen();
        earlierSeconds = resumeFrom.seconds();
        resumeFrom = null;
      }
      for (int b = 0; b < stepsPerEpoch; b++) {
        if (b >= skip && stop.getAsBoolean()) {
          double secs = earlierSeconds + (System.nanoTime() - t0) / 1e9;
          interrupted(model, adam, checkpoints, net, history, epoch, b, b > skip,
              new Checkpoint.Partial(b, lossSum, correct, seen, secs));
        }
        float[] data = new float[batch * plane];
        long[] labels = new long[batch];
        float[] multiHot = options.multiLabel() ? new float[batch * classes] : null; // [N · C]
        for (int i = 0; i < batch; i++) {
          var sample = train.get(order[b * batch + i]);
          sample.image().resize(s, s).toChw(data, i * plane);
          augmenter.apply(data, i * plane, s, rng);
          if (has != null) {
            has.apply(data, i * plane, s, net.mean(), rng); // the mean: 0 after normalisation
          }
          labels[i] = sample.label();
          if (multiHot != null) {
            for (int c : sample.labels()) {
              multiHot[i * classes + c] = 1;
            }
          }
        }
        float[] targets = multiHot;
        CutMix.Mix mix = cutMix == null ? null : cutMix.draw(batch, s, rng);
        if (mix != null) {
          CutMix.paste(data, batch, 3, s, mix);
          targets = CutMix.mixTargets(multiHot != null ? multiHot : oneHot(labels, classes), classes, mix);
        }
        PairList<String, Object> params = new PairList<>();
        params.add(CamNet.LABELS, labels);
        if (wsol.is("adl")) {
          params.add(CamNet.ADL_DROP, rng.nextDouble() < wsol.adlDropRate());
        }
        if (b < skip) {
          continue; // resumed: this batch was trained before the interruption; only its draws are replayed
        }
        InputBatch.normalise(data, net);
        float lr = options.learningRateAt(adam.step(), totalSteps);
        double[] lossAndCorrect =
            step.run(data, new Shape(batch, 3, s, s), labels, targets, options.multiLabel(), lr, params);
        lossSum += lossAndCorrect[0] * batch;
        correct += (long) lossAndCorrect[1];
        seen += batch;
        listener.onStep(adam.step(), epoch + 1, lossSum / seen, (double) correct / seen);
      }
      double[] valStats = val.size() == 0 ? new double[] {Double.NaN, Double.NaN}
          : options.multiLabel() ? evaluateMultiLabel(model, val) : evaluate(model, val);
      double secs = earlierSeconds + (System.nanoTime() - t0) / 1e9;
      EpochStats stats =
          new EpochStats(epoch + 1, lossSum / seen, (double) correct / seen, valStats[0], valStats[1], secs, seen / secs);
      history.add(stats);
      if (checkpoints.isPresent()) {
        save(model, adam, checkpoints.get(), new Checkpoint(epoch + 1, folderName(epoch + 1), net, options, history));
      }
      listener.onEpoch(stats);
    }
    listener.onFinish();
    return history;
  }

  /** The one-hot rows {@code [N · C]} of {@code labels}. */
  private static float[] oneHot(long[] labels, int classes) {
    float[] hot = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      hot[i * classes + (int) labels[i]] = 1;
    }
    return hot;
  }

  /** {@code mean_n(−log softmax(z_n)[y_n])} for logits {@code [N, C]} and labels {@code [N]}. */
  static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logp = logits.logSoftmax(1);
    NDArray picked = logp.mul(labels.oneHot((int) logits.getShape().get(1))).sum(new int[] {1});
    return picked.mean().neg();
  }

  /** Mean cross-entropy and accuracy of {@code model} on {@code data}, in inference mode. */
  public static double[] evaluate(CamModel model, Dataset data) {
    double loss = 0;
    long correct = 0;
    for (int from = 0; from < data.size(); from += EVAL_BATCH) {
      int to = Math.min(data.size(), from + EVAL_BATCH);
      var part = data.samples().subList(from, to);
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray logits = model.forward(scope, part.stream().map(x -> x.image()).toList()).get(1);
        long[] labels = part.stream().mapToLong(x -> x.label()).toArray();
        NDArray y = scope.create(labels);
        loss += crossEntropy(logits, y).getFloat() * (to - from);
        correct += logits.argMax(1).eq(y).sum().getLong();
      }
    }
    return new double[] {loss / data.size(), (double) correct / data.size()};
  }

  /**
   * Mean binary cross-entropy and exact-match accuracy (every class right at score 0) of a
   * multi-label {@code model} on {@code data}, in inference mode.
   */
  public static double[] evaluateMultiLabel(CamModel model, Dataset data) {
    double loss = 0;
    long correct = 0;
    int classes = model.classes().size();
    for (int from = 0; from < data.size(); from += EVAL_BATCH) {
      int to = Math.min(data.size(), from + EVAL_BATCH);
      var part = data.samples().subList(from, to);
      float[] hot = new float[part.size() * classes];
      for (int i = 0; i < part.size(); i++) {
        for (int c : part.get(i).labels()) {
          hot[i * classes + c] = 1;
        }
      }
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray logits = model.forward(scope, part.stream().map(x -> x.image()).toList()).get(1);
        NDArray y = scope.create(hot, logits.getShape());
        loss += TrainingStep.binaryCrossEntropy(logits, y).getFloat() * (to - from);
        correct += logits.gt(0).eq(y.gt(0.5)).toType(ai.djl.ndarray.types.DataType.INT32, false)
            .sum(new int[] {1}).eq(classes).sum().getLong();
      }
    }
    return new double[] {loss / data.size(), (double) correct / data.size()};
  }

  /**
   * Saves the epoch in progress (when there is a checkpoint folder and something was trained since
   * the last checkpoint) and throws.
   */
  private void interrupted(
      CamModel model, ResumableAdam adam, Optional<Path> checkpoints, CamNetOptions net, List<EpochStats> history,
      int epoch, int batch, boolean progressed, Checkpoint.Partial partial) throws IOException {
    listener.onFinish();
    if (checkpoints.isEmpty()) {
      throw new Interruption.Interrupted("interrupted: training stopped in epoch " + (epoch + 1) + " (no checkpoints)");
    }
    if (progressed) { // otherwise the last checkpoint already holds this state
      save(model, adam, checkpoints.get(),
          new Checkpoint(epoch, folderName(epoch) + "-step-" + batch, net, options, history, partial));
    }
    String at = history.isEmpty() && batch == 0 ? "nothing trained yet"
        : "checkpoint after epoch " + epoch + (batch > 0 ? " + " + batch + " steps of epoch " + (epoch + 1) : "");
    throw new Interruption.Interrupted(
        "interrupted: " + at + " in " + checkpoints.get() + "; run the same command with --resume to continue");
  }

  private static String folderName(int epochsDone) {
    return String.format(java.util.Locale.ROOT, "epoch-%04d", epochsDone);
  }

  private static void save(CamModel model, ResumableAdam adam, Path dir, Checkpoint cp) throws IOException {
    Path folder = dir.resolve(cp.folder());
    if (Files.exists(folder)) {
      Checkpoint.deleteTree(folder);
    }
    Files.createDirectories(folder);
    model.saveParameters(folder.resolve(Checkpoint.PARAMS));
    io.camkit.core.AtomicFiles.write(
        folder.resolve(Checkpoint.OPTIMIZER),
        out -> {
          DataOutputStream dos = new DataOutputStream(out);
          adam.save(dos);
          dos.flush();
        });
    cp.commit(dir);
  }

  private void restore(CamModel model, ResumableAdam adam, Path dir, Checkpoint cp, CamNetOptions net)
      throws IOException {
    // The options fix the learning-rate schedule and the data order: resuming with others would
    // silently train a different model than either run.
    if (!cp.net().equals(net) || !cp.training().equals(options)) {
      throw new CamkitException(
          "the checkpoint in " + dir + " was made with other options (" + cp.training() + ", " + cp.net()
              + "); use another --out folder or the same options");
    }
    Path folder = dir.resolve(cp.folder());
    model.loadParameters(folder.resolve(Checkpoint.PARAMS));
    try (InputStream in = new BufferedInputStream(Files.newInputStream(folder.resolve(Checkpoint.OPTIMIZER)))) {
      adam.load(new DataInputStream(in));
    }
  }

}
