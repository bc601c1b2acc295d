package io.camkit.explain.target;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the targets to explain once the scores {@code y [N, C]} are known: a fixed target, the
 * predicted class, or the k best classes (one map per image for each).
 */
@FunctionalInterface
public interface TargetSelector {
  /**
   * @param logits row i = raw scores of image i
   * @return the targets, each giving one map per image
   */
  List<Target> select(float[][] logits);

  /** Always {@code target}. */
  static TargetSelector of(Target target) {
    return y -> List.of(target);
  }

  /** Always class {@code c}. */
  static TargetSelector classIndex(int c) {
    return of(Target.of(c));
  }

  /** The top-1 class of each image. */
  static TargetSelector predicted() {
    return topK(1);
  }

  /** The k highest-scoring classes of each image, best first (ties: lower index first). */
  static TargetSelector topK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("option --top-k = " + k + " is out of range (allowed: >= 1)");
    }
    return y -> {
      List<Target> out = new ArrayList<>(k);
      for (int rank = 0; rank < k; rank++) {
        int[] cls = new int[y.length];
        for (int i = 0; i < y.length; i++) {
          if (k > y[i].length) {
            throw new IllegalArgumentException("option --top-k = " + k + " is out of range (allowed: 1.."
                + y[i].length + ")");
          }
          cls[i] = rankOf(y[i], rank);
        }
        out.add(new ClassTarget(cls));
      }
      return out;
    };
  }

  /** Index of the {@code rank}-th largest value (0 = max); ties broken by lower index. */
  static int rankOf(float[] v, int rank) {
    boolean[] used = new boolean[v.length];
    int best = -1;
    for (int r = 0; r <= rank; r++) {
      best = -1;
      for (int j = 0; j < v.length; j++) {
        if (!used[j] && (best < 0 || v[j] > v[best])) {
          best = j;
        }
      }
      used[best] = true;
    }
    return best;
  }
}
