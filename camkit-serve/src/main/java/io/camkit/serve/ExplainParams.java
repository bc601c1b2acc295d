package io.camkit.serve;

import io.camkit.explain.method.CamMethods;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one explain request asks for, validated.
 *
 * @param model the served model's name (null: the first model)
 * @param methods one or more method names (cam, gradcam…), each explained side by side
 * @param layer the target layer, or null for the model's default
 * @param target {@code predicted}, {@code topK} (e.g. {@code top3}) or a class name
 * @param tau τ chosen by the user in [0, 1], or null for each method's calibrated τ* (else 0.2)
 * @param topK how many predictions to list (1..20)
 */
public record ExplainParams(String model, List<String> methods, String layer, String target, Double tau, int topK) {
  /** The most methods one request may compare. */
  public static final int MAX_METHODS = 4;

  public ExplainParams {
    if (methods.isEmpty() || methods.size() > MAX_METHODS) {
      throw new ApiError(400, "give 1 to " + MAX_METHODS + " methods, got " + methods.size());
    }
    for (String m : methods) {
      if (!CamMethods.names().contains(m)) {
        throw new ApiError(400, "unknown method '" + m + "'; choose one of " + String.join(", ", CamMethods.names()));
      }
    }
    methods = List.copyOf(methods);
    if (tau != null && !(tau >= 0 && tau <= 1)) {
      throw new ApiError(400, "tau must lie in [0, 1], got " + tau);
    }
    if (topK < 1 || topK > 20) {
      throw new ApiError(400, "topK must lie in 1..20, got " + topK);
    }
    target = target == null || target.isBlank() ? "predicted" : target;
  }

  /**
   * From form fields as the page sends them; blank means "not given".
   *
   * @param methods comma-separated
   */
  public static ExplainParams parse(String model, String methods, String layer, String target, String tau,
      String topK) {
    List<String> ms = new ArrayList<>();
    for (String m : (blank(methods) ? "cam" : methods).split(",")) {
      if (!m.isBlank()) {
        ms.add(m.trim().toLowerCase(Locale.ROOT));
      }
    }
    return new ExplainParams(blank(model) ? null : model, ms, blank(layer) ? null : layer, target,
        blank(tau) ? null : number(tau, "tau"), blank(topK) ? 5 : (int) number(topK, "topK"));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static double number(String s, String field) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new ApiError(400, field + " must be a number, got '" + s + "'");
    }
  }
}
