package io.camkit.experiments;

import ai.djl.ndarray.types.Shape;
import io.camkit.dataset.Dataset;
import io.camkit.model.CamNetOptions;
import io.camkit.model.InputBatch;
import io.camkit.model.train.ArrayTrainer;
import java.util.ArrayList;
import java.util.List;

/** A dataset as normalised {@code [3, S, S]} arrays with class labels (and multi-hot targets). */
final class DatasetArrays {
  private DatasetArrays() {}

  /**
   * The train, validation and test splits of a built-in benchmark, as images and as arrays for
   * {@code net}; the validation arrays are empty when the options ask for no validation images.
   */
  record Splits(Dataset train, Dataset test, CamNetOptions net, ArrayTrainer.Data trainData, ArrayTrainer.Data testData,
      ArrayTrainer.Data valData) {
    static Splits of(io.camkit.dataset.shapes.ShapesOptions options, boolean multiLabel) {
      var gen = new io.camkit.dataset.shapes.ShapesGenerator(options);
      Dataset train = gen.generate(io.camkit.dataset.Split.TRAIN);
      Dataset test = gen.generate(io.camkit.dataset.Split.TEST);
      CamNetOptions net = CamNetOptions.defaults(options.imageSize(), train.classes().size());
      ArrayTrainer.Data trainData = DatasetArrays.of(train, net, multiLabel);
      ArrayTrainer.Data valData = options.valSize() == 0 ? ArrayTrainer.Data.empty(trainData.itemShape())
          : DatasetArrays.of(gen.generate(io.camkit.dataset.Split.VAL), net, multiLabel);
      return new Splits(train, test, net, trainData, DatasetArrays.of(test, net, multiLabel), valData);
    }

    int classes() {
      return train.classes().size();
    }
  }

  static ArrayTrainer.Data of(Dataset d, CamNetOptions net, boolean multiLabel) {
    int s = net.imageSize();
    int classes = d.classes().size();
    List<float[]> inputs = new ArrayList<>(d.size());
    List<float[]> targets = multiLabel ? new ArrayList<>(d.size()) : null;
    long[] labels = new long[d.size()];
    for (int i = 0; i < d.size(); i++) {
      float[] x = new float[3 * s * s];
      d.get(i).image().resize(s, s).toChw(x, 0);
      InputBatch.normalise(x, net);
      inputs.add(x);
      labels[i] = d.get(i).label();
      if (multiLabel) {
        float[] t = new float[classes];
        for (int c : d.get(i).labels()) {
          t[c] = 1;
        }
        targets.add(t);
      }
    }
    return new ArrayTrainer.Data(new Shape(3, s, s), inputs, labels, targets);
  }
}
