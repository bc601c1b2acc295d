package io.camkit.model.wsol;

import io.camkit.core.Options;
import java.util.List;

/**
 * The weakly supervised object localization (WSOL) training method of a network and its
 * hyper-parameters, stored in the model card with the architecture ({@link
 * io.camkit.model.CamNetOptions#wsol()}). One method at a time:
 *
 * <ul>
 *   <li>{@code cam}: plain CAM training (Zhou et al. 2016), the default;
 *   <li>{@code has}: Hide-and-Seek ({@link HideAndSeek}), random grid patches of the training
 *       images hidden;
 *   <li>{@code adl}: Attention-based Dropout Layer ({@link AttentionDropout}) on the last conv
 *       maps, in training only;
 *   <li>{@code acol}: Adversarial Complementary Learning ({@link Acol}), a second classifier
 *       branch on features erased where the first branch's class map is high;
 *   <li>{@code cutmix}: CutMix ({@link CutMix}), a box of another training image pasted in, labels
 *       mixed by area.
 * </ul>
 *
 * <p>Every hyper-parameter is stored whatever the method (only the method's own are used), so
 * that a card round-trips exactly; a card written before WSOL methods existed reads as {@link
 * #none()}.
 *
 * @param method cam, has, adl, acol or cutmix
 * @param hasPatch HaS patch side s, in input pixels (the image is cut into a grid of s×s patches)
 * @param hasProb HaS probability p that a patch is hidden, in [0, 1)
 * @param adlGamma ADL drop threshold γ: the drop mask zeroes where the attention ≥ γ·max, in (0, 1]
 * @param adlDropRate ADL probability of using the drop mask (else the importance map) in a step
 * @param acolDelta ACoL erasing threshold δ on the min-max normalised class map, in (0, 1]
 * @param cutMixAlpha α of CutMix's λ ~ Beta(α, α), &gt; 0 (1: uniform)
 * @param cutMixProb probability that a batch is mixed, in [0, 1]
 */
public record WsolOptions(
    String method,
    int hasPatch,
    double hasProb,
    double adlGamma,
    double adlDropRate,
    double acolDelta,
    double cutMixAlpha,
    double cutMixProb) {

  /** The selectable methods ({@code --wsol}). */
  public static final List<String> METHODS = List.of("cam", "has", "adl", "acol", "cutmix");

  public WsolOptions {
    method = method == null ? "cam" : method;
    Options.check(METHODS.contains(method), "wsol", method, String.join(", ", METHODS));
    Options.check(hasPatch >= 1, "has-patch", hasPatch, ">= 1");
    Options.check(hasProb >= 0 && hasProb < 1, "has-prob", hasProb, "[0, 1)");
    Options.check(adlGamma > 0 && adlGamma <= 1, "adl-gamma", adlGamma, "(0, 1]");
    Options.check(adlDropRate >= 0 && adlDropRate <= 1, "adl-drop-rate", adlDropRate, "[0, 1]");
    Options.check(acolDelta > 0 && acolDelta <= 1, "acol-delta", acolDelta, "(0, 1]");
    Options.check(cutMixAlpha > 0 && Double.isFinite(cutMixAlpha), "cutmix-alpha", cutMixAlpha, "> 0");
    Options.check(cutMixProb >= 0 && cutMixProb <= 1, "cutmix-prob", cutMixProb, "[0, 1]");
  }

  /**
   * Plain CAM with every method's default: HaS s = 16 px, p = 0.5 (the paper's); ADL γ = 0.9,
   * drop rate 0.75 (wsolevaluation's ResNet/VGG settings are γ 0.9–0.95, rate 0.25–0.75); ACoL δ =
   * 0.7 (the paper's ILSVRC setting 0.6–0.9); CutMix α = 1, p = 1 (Yun et al.'s ImageNet recipe).
   */
  public static WsolOptions none() {
    return new WsolOptions("cam", 16, 0.5, 0.9, 0.75, 0.7, 1.0, 1.0);
  }

  /** These options with another method. */
  public WsolOptions withMethod(String m) {
    return new WsolOptions(m, hasPatch, hasProb, adlGamma, adlDropRate, acolDelta, cutMixAlpha, cutMixProb);
  }

  public boolean is(String m) {
    return method.equals(m);
  }
}
