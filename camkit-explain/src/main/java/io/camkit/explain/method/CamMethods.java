package io.camkit.explain.method;

import io.camkit.core.CamkitException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The methods by the names the command line and reports use. */
public final class CamMethods {
  private CamMethods() {}

  private static final Map<String, Supplier<CamMethod>> BY_NAME = new LinkedHashMap<>();

  static {
    BY_NAME.put("cam", Cam::new);
    BY_NAME.put("gradcam", GradCam::new);
    BY_NAME.put("gradcampp", GradCamPlusPlus::new);
    BY_NAME.put("smoothgradcampp", SmoothGradCamPlusPlus::new);
    BY_NAME.put("scorecam", ScoreCam::new);
    BY_NAME.put("xgradcam", XGradCam::new);
    BY_NAME.put("layercam", LayerCam::new);
    BY_NAME.put("hirescam", HiResCam::new);
    BY_NAME.put("augmentedgradcam", AugmentedGradCam::new);
    BY_NAME.put("eigencam", EigenCam::new);
    BY_NAME.put("eigengradcam", EigenGradCam::new);
    BY_NAME.put("ablationcam", AblationCam::new);
    BY_NAME.put("fullgrad", FullGrad::new);
    BY_NAME.put("sscam", SsCam::new);
    BY_NAME.put("iscam", IsCam::new);
  }

  /** All names, in a stable order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** A new method with default options. */
  public static CamMethod byName(String name) {
    Supplier<CamMethod> s = BY_NAME.get(name.toLowerCase(java.util.Locale.ROOT).replace("-", "").replace("+", "p"));
    if (s == null) {
      throw new CamkitException("unknown method '" + name + "'; choose one of " + String.join(", ", names()));
    }
    return s.get();
  }
}
