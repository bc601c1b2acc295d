package io.camkit.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.Options;
import io.camkit.localize.GuidedFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The box threshold τ* of each method, chosen on a held-out validation split with boxes (the
 * τ of best MaxBoxAcc there), stored beside the model so that localization on new images uses it
 * by default: the protocol of Choe et al., "Evaluating Weakly Supervised Object Localization
 * Methods Right" (CVPR 2020) — hyper-parameters are chosen on validation, never on test. With τ, the
 * refinement of the map ({@link GuidedFilter}) chosen there, if one did better than none.
 *
 * <p>File: {@code calibration.json} inside a model folder (camkit and transfer models), or {@code
 * NAME.calibration.json} beside a model file ({@code NAME.pt}, {@code NAME.onnx}).
 *
 * @param dataset the validation data's name
 * @param images how many validation images were scored
 * @param layer the layer the maps read
 * @param methods per method name ("cam", "gradcam"…, {@link #key}): its τ* and the MaxBoxAcc it
 *     reached there
 * @param createdAt when (ISO-8601)
 * @param preferred of two entries or more, the one that did best on the validation split ({@link
 *     #preferredOf}), which {@code localize} and {@code evaluate} use when no method is named; null
 *     with one entry and in files written before it existed
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Calibration(String dataset, int images, String layer, Map<String, Entry> methods, String createdAt,
    String preferred) {
  /** The file name inside a model folder. */
  public static final String FILE = "calibration.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * @param tau the best τ on the validation split, in [0, 1]
   * @param maxBoxAcc GT-known localization there at that τ
   * @param guidedFilter the map refinement chosen there with τ ({@link GuidedFilter}), or null when
   *     the unrefined map did best or no refinement was tried (files written before it existed)
   * @param unrefined with a refinement: τ* and MaxBoxAcc of the map without it, on the same split
   *     (what the refinement adds); else null
   * @param maxBoxAccV2 MaxBoxAccV2 there (mean over IoU 0.3, 0.5, 0.7; each IoU its own best τ), with
   *     the refinement; null where not computed (multi-label data, older files)
   * @param meanIou the mean GT-known IoU there at {@code tau}, with the refinement; null where not
   *     computed
   * @param copies the maps averaged per image: 1 without test-time augmentation, else the
   *     augmented copies (the identity included); null in older files (read as 1)
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Entry(double tau, double maxBoxAcc, GuidedFilter guidedFilter, Entry unrefined, Double maxBoxAccV2,
      Double meanIou, Integer copies) {
    public Entry {
      Options.check(tau >= 0 && tau <= 1, "tau", tau, "0..1");
    }

    /** τ alone, no refinement. */
    public Entry(double tau, double maxBoxAcc) {
      this(tau, maxBoxAcc, null, null);
    }

    /** τ and a refinement, without the tie-breaking figures. */
    public Entry(double tau, double maxBoxAcc, GuidedFilter guidedFilter, Entry unrefined) {
      this(tau, maxBoxAcc, guidedFilter, unrefined, null, null, null);
    }

    /** This entry with the figures that break ties between methods ({@link #preferredOf}). */
    public Entry withTieBreakers(double maxBoxAccV2, double meanIou, int copies) {
      return new Entry(tau, maxBoxAcc, guidedFilter, unrefined, maxBoxAccV2, meanIou, copies);
    }
  }

  public Calibration {
    methods = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    if (preferred != null && !methods.containsKey(preferred)) {
      throw new IllegalArgumentException("the preferred entry '" + preferred + "' is not among the methods "
          + methods.keySet());
    }
  }

  /** Without a preferred entry (files written before it existed, calibrations built in Java). */
  public Calibration(String dataset, int images, String layer, Map<String, Entry> methods, String createdAt) {
    this(dataset, images, layer, methods, createdAt, null);
  }

  /**
   * This calibration with {@link #preferred} chosen among its entries by {@link #preferredOf}; none
   * with a single entry (nothing was compared: the commands keep their own default, cam).
   */
  public Calibration withPreferredChosen() {
    return new Calibration(dataset, images, layer, methods, createdAt,
        methods.size() < 2 ? null : preferredOf(methods).orElse(null));
  }

  /**
   * The entry that did best on the validation split, by these rules in turn: the higher MaxBoxAcc
   * (GT-known localization at its τ*, what localization at τ* will do on new images); on a tie
   * the higher MaxBoxAccV2 (τ-free, less noisy on a small split); then the fewer augmented copies
   * (cheaper); then the higher mean GT-known IoU at τ*; then the first entry. A figure not stored
   * (older files) counts as lower than any stored one. Empty for no entries.
   */
  public static Optional<String> preferredOf(Map<String, Entry> methods) {
    java.util.Comparator<Map.Entry<String, Entry>> better = java.util.Comparator
        .<Map.Entry<String, Entry>>comparingDouble(e -> e.getValue().maxBoxAcc())
        .thenComparingDouble(e -> orLowest(e.getValue().maxBoxAccV2()))
        .thenComparingDouble(e -> -(e.getValue().copies() == null ? 1 : e.getValue().copies()))
        .thenComparingDouble(e -> orLowest(e.getValue().meanIou()));
    Map.Entry<String, Entry> best = null;
    for (Map.Entry<String, Entry> e : methods.entrySet()) {
      if (best == null || better.compare(e, best) > 0) {
        best = e;
      }
    }
    return Optional.ofNullable(best).map(Map.Entry::getKey);
  }

  private static double orLowest(Double v) {
    return v == null ? Double.NEGATIVE_INFINITY : v;
  }

  /**
   * The method and the test-time augmentations of a {@link #key} (its inverse): {@code {"layercam", "flip"}} for
   * "tta-layercam[flip]", {@code {"cam", null}} for "cam".
   */
  public static String[] parseKey(String key) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("tta-([^\\[]+)\\[(.+)]").matcher(key);
    return m.matches() ? new String[] {m.group(1), m.group(2)} : new String[] {key, null};
  }

  /**
   * The name a method's τ* is stored under: its report name ("gradcampp") without test-time
   * augmentation; with it, the report name and what the augmentations are ("tta-gradcampp[flip]",
   * {@link TtaPresets#canonical}): maps averaged over augmented copies are smoother and flatter
   * than one map, so they get a τ of their own, and a τ chosen for one set of augmentations is not
   * used for another.
   *
   * @param method the method's name ("gradcampp")
   * @param tta {@link TtaPresets#canonical} or {@link TtaPresets#describe}; null or empty for none
   */
  public static String key(String method, String tta) {
    boolean augmented = tta != null && !tta.isEmpty();
    return augmented ? MapRequest.methodName(method, true) + "[" + tta + "]" : method;
  }

  /** τ* of {@code method}, if it was calibrated. */
  public OptionalDouble tauFor(String method) {
    Entry e = methods.get(method);
    return e == null ? OptionalDouble.empty() : OptionalDouble.of(e.tau());
  }

  /** Where the calibration of {@code model} (a folder or a file) lives. */
  public static Path fileFor(Path model) {
    if (Files.isDirectory(model)) {
      return model.resolve(FILE);
    }
    String name = model.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return model.resolveSibling(name + ".calibration.json");
  }

  /** The calibration stored for {@code model}, if any. */
  public static Optional<Calibration> of(Path model) {
    Path f = fileFor(model);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(f.toFile(), Calibration.class));
    } catch (IOException | IllegalArgumentException e) {
      throw new CamkitException("cannot read the calibration " + f + ": " + e.getMessage(), e);
    }
  }

  /** Writes this calibration for {@code model}, atomically; returns the file. */
  public Path write(Path model) throws IOException {
    Path f = fileFor(model);
    AtomicFiles.writeString(f, JSON.writeValueAsString(this));
    return f;
  }

  /**
   * How a map becomes a box: the τ a localization uses and the refinement of the map before it, and
   * where they came from (every report says so).
   *
   * @param tau the value
   * @param source e.g. "chosen by the user", "τ* of cam on the validation split val (200 images)",
   *     "the default of Zhou et al. 2016 (no calibration for gradcam)"; with a refinement, what it is
   *     and where it came from
   * @param refine the map's refinement, or null for none
   */
  public record TauChoice(double tau, String source, GuidedFilter refine) {
    /** τ alone, no refinement. */
    public TauChoice(double tau, String source) {
      this(tau, source, null);
    }

    /** {@code request} with this τ and this refinement. */
    public MapRequest applyTo(MapRequest request) {
      return request.withTau(tau).withRefinement(refine);
    }
  }

  /**
   * The user's τ if given; else the calibrated τ* of {@code method}; else the default 0.2; with the
   * refinement chosen with the calibrated τ, if any (see {@link #choose(OptionalDouble, String,
   * Optional, String, double)}).
   *
   * @param userTau τ given by the user, or empty
   * @param calibration the model's calibration, or empty
   */
  public static TauChoice choose(OptionalDouble userTau, Optional<Calibration> calibration, String method,
      double defaultTau) {
    return choose(userTau, null, calibration, method, defaultTau);
  }

  /**
   * As {@link #choose(OptionalDouble, Optional, String, double)} with the user's say on the map's
   * refinement.
   *
   * @param userRefine null or "auto": the calibrated refinement of {@code method} (none without a
   *     calibration); "none": no refinement; "RADIUS,EPS": that guided filter ({@link
   *     GuidedFilter#parse})
   * @throws IllegalArgumentException for a refinement that is none of these, with the expected forms
   */
  public static TauChoice choose(OptionalDouble userTau, String userRefine, Optional<Calibration> calibration,
      String method, double defaultTau) {
    Entry e = calibration.map(c -> c.methods().get(method)).orElse(null);
    GuidedFilter refine;
    String refineSource;
    String r = userRefine == null ? "auto" : userRefine.trim().toLowerCase(java.util.Locale.ROOT);
    if (r.equals("auto")) {
      refine = e == null ? null : e.guidedFilter();
      refineSource = "chosen with τ on the validation split";
    } else if (r.equals("none")) {
      refine = null;
      refineSource = null;
    } else {
      try {
        refine = GuidedFilter.parse(r);
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("--refine '" + userRefine + "': expected auto, none or RADIUS,EPS of a guided"
            + " filter (e.g. 0.16,0.01); " + bad.getMessage());
      }
      refineSource = "chosen by the user";
    }
    String refined = refine == null ? "" : "; map refined by a " + refine.describe() + " (" + refineSource + ")";
    if (userTau.isPresent()) {
      return new TauChoice(userTau.getAsDouble(), "chosen by the user" + refined, refine);
    }
    if (calibration.isPresent()) {
      Calibration c = calibration.get();
      if (e != null) {
        return new TauChoice(e.tau(), "τ* of " + method + " on the validation split " + c.dataset() + " ("
            + c.images() + " images, MaxBoxAcc " + String.format(java.util.Locale.ROOT, "%.1f %%",
                100 * e.maxBoxAcc()) + ")" + refined, refine);
      }
      return new TauChoice(defaultTau, "the default of Zhou et al. 2016 (the model's calibration has no τ* for "
          + method + ")" + refined, refine);
    }
    return new TauChoice(defaultTau, "the default of Zhou et al. 2016 (the model has no calibration)" + refined,
        refine);
  }

}
