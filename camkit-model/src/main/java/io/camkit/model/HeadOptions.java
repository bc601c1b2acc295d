package io.camkit.model;

import io.camkit.core.Options;
import io.camkit.model.pooling.GlobalAveragePooling;
import io.camkit.model.pooling.GlobalMaxPooling;
import io.camkit.model.pooling.LogSumExpPooling;
import io.camkit.model.pooling.RegionCount;
import io.camkit.model.pooling.SpatialPooling;
import io.camkit.model.pooling.WeldonPooling;
import io.camkit.model.pooling.WildcatPooling;
import java.util.List;

/**
 * The classifier head of a {@link CamNet}: {@code gap} is GAP then a linear layer (the CAM
 * network of Zhou et al.); every other pooling is a class-map head, a 1×1 convolution to {@code
 * C·M} maps pooled into scores, whose class maps are the CAM.
 *
 * @param pooling gap, gmp, lse, weldon or wildcat
 * @param kMax k⁺ of weldon/wildcat, in regions of the last conv's map
 * @param kMin k⁻ of weldon/wildcat (0: no negative evidence)
 * @param alpha α, weight of the low regions (wildcat; weldon uses 1)
 * @param beta β of lse, &gt; 0
 * @param mapsPerClass M of wildcat (1 for the others)
 * @param learnBeta lse only: β is a trainable parameter initialised at {@code beta}, kept &gt; 0
 *     as {@code β = exp(ρ)} (false when absent from an older model card)
 */
public record HeadOptions(
    String pooling, int kMax, int kMin, double alpha, double beta, int mapsPerClass, boolean learnBeta) {
  public static final List<String> POOLINGS = List.of("gap", "gmp", "lse", "weldon", "wildcat");

  public HeadOptions {
    Options.check(POOLINGS.contains(pooling), "pooling", pooling, String.join(", ", POOLINGS));
    Options.check(kMax >= 1, "k-max", kMax, ">= 1");
    Options.check(kMin >= 0, "k-min", kMin, ">= 0");
    Options.check(Double.isFinite(alpha) && alpha >= 0, "alpha", alpha, ">= 0");
    Options.check(beta > 0 && Double.isFinite(beta), "beta", beta, "> 0");
    Options.check(mapsPerClass >= 1, "maps-per-class", mapsPerClass, ">= 1");
    Options.check(mapsPerClass == 1 || pooling.equals("wildcat"), "maps-per-class", mapsPerClass,
        "1 unless --pooling wildcat");
    Options.check(!learnBeta || pooling.equals("lse"), "beta-learned", pooling, "only with --pooling lse");
  }

  /** A head with a fixed β. */
  public HeadOptions(String pooling, int kMax, int kMin, double alpha, double beta, int mapsPerClass) {
    this(pooling, kMax, kMin, alpha, beta, mapsPerClass, false);
  }

  /** GAP + linear, the default. */
  public static HeadOptions gap() {
    return new HeadOptions("gap", 5, 5, 0.7, 5, 1);
  }

  public boolean isGap() {
    return pooling.equals("gap");
  }

  /** The pooling function of a class-map head. */
  public SpatialPooling spatialPooling() {
    return switch (pooling) {
      case "gap" -> new GlobalAveragePooling();
      case "gmp" -> new GlobalMaxPooling();
      case "lse" -> new LogSumExpPooling(beta);
      case "weldon" -> new WeldonPooling(kMax, kMin);
      case "wildcat" -> new WildcatPooling(mapsPerClass, RegionCount.of(kMax), RegionCount.of(kMin), alpha);
      default -> throw new IllegalStateException(pooling);
    };
  }

  /** Checks k⁺ and k⁻ against the {@code regions} of the last conv's map (at build time). */
  public void checkRegions(int regions) {
    if (pooling.equals("weldon") || pooling.equals("wildcat")) {
      Options.check(kMax <= regions, "k-max", kMax, "1.." + regions + " (the regions of the last conv's map)");
      Options.check(kMin <= regions, "k-min", kMin, "0.." + regions + " (the regions of the last conv's map)");
    }
  }
}
