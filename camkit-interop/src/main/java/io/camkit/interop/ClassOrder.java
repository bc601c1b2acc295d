package io.camkit.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.camkit.core.CamkitException;
import java.util.ArrayList;
import java.util.List;

/**
 * A model whose outputs are in another order than its labels (e.g. Darknet's ImageNet classes):
 * {@code classOrder[i]} = the label index of output {@code i}. Reorders scores and classifier rows
 * so that column / row {@code j} is label {@code j}. The identity when no order is given.
 */
public final class ClassOrder {
  private final long[] inverse; // inverse[j] = the output holding label j, or null for identity

  private ClassOrder(long[] inverse) {
    this.inverse = inverse;
  }

  /**
   * Checks {@code classOrder} (null: identity) against the model's {@code outputs}.
   *
   * @throws CamkitException if it is not a permutation of {@code 0..outputs-1}
   */
  public static ClassOrder of(int[] classOrder, int outputs, String model) {
    if (classOrder == null) {
      return new ClassOrder(null);
    }
    if (classOrder.length != outputs) {
      throw new CamkitException(model + ": the card's classOrder has " + classOrder.length + " entries for " + outputs
          + " outputs");
    }
    long[] inv = new long[outputs];
    boolean[] seen = new boolean[outputs];
    for (int i = 0; i < outputs; i++) {
      int j = classOrder[i];
      if (j < 0 || j >= outputs || seen[j]) {
        throw new CamkitException(model + ": the card's classOrder is not a permutation of 0.." + (outputs - 1));
      }
      seen[j] = true;
      inv[j] = i;
    }
    return new ClassOrder(inv);
  }

  /**
   * The class names of a model with {@code outputs} scores: the card's names (their count must
   * match), or "0", "1", … when the card names none.
   */
  public static List<String> names(List<String> cardClasses, int outputs, String model) {
    if (!cardClasses.isEmpty() && cardClasses.size() != outputs) {
      throw new CamkitException(model + " has " + outputs + " outputs but its card names " + cardClasses.size()
          + " classes");
    }
    List<String> names = new ArrayList<>(cardClasses);
    for (int i = names.size(); i < outputs; i++) {
      names.add(Integer.toString(i));
    }
    return List.copyOf(names);
  }

  /** Scores {@code y [N, C]} in output order → label order. */
  public NDArray apply(NDArray y) {
    if (inverse == null) {
      return y;
    }
    return y.get(new NDIndex(":, {}", index(y)));
  }

  /** Classifier rows {@code w [C, K]} (or a bias {@code [C]}) in output order → label order. */
  public NDArray rows(NDArray w) {
    if (inverse == null) {
      return w;
    }
    return w.get(new NDIndex("{}", index(w)));
  }

  private NDArray index(NDArray like) {
    return like.getManager().create(inverse).toType(DataType.INT64, false);
  }
}
