package io.camkit.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.Options;
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
 * Methods Right" (CVPR 2020) — hyper-parameters are chosen on validation, never on test.
 *
 * <p>File: {@code calibration.json} inside a model folder (camkit and transfer models), or {@code
 * NAME.calibration.json} beside a model file ({@code NAME.pt}, {@code NAME.onnx}).
 *
 * @param dataset the validation data's name
 * @param images how many validation images were scored
 * @param layer the layer the maps read
 * @param methods per method name ("cam", "gradcam"…): its τ* and the MaxBoxAcc it reached there
 * @param createdAt when (ISO-8601)
 */
public record Calibration(String dataset, int images, String layer, Map<String, Entry> methods, String createdAt) {
  /** The file name inside a model folder. */
  public static final String FILE = "calibration.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * @param tau the best τ on the validation split, in [0, 1]
   * @param maxBoxAcc GT-known localization there at that τ
   */
  public record Entry(double tau, double maxBoxAcc) {
    public Entry {
      Options.check(tau >= 0 && tau <= 1, "tau", tau, "0..1");
    }
  }

  public Calibration {
    methods = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(methods));
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
   * The τ a localization uses, and where it came from (every report says so).
   *
   * @param tau the value
   * @param source e.g. "chosen by the user", "τ* of cam on the validation split val (200 images)",
   *     "the default of Zhou et al. 2016 (no calibration for gradcam)"
   */
  public record TauChoice(double tau, String source) {}

  /**
   * The user's τ if given; else the calibrated τ* of {@code method}; else the default 0.2.
   *
   * @param userTau τ given by the user, or empty
   * @param calibration the model's calibration, or empty
   */
  public static TauChoice choose(OptionalDouble userTau, Optional<Calibration> calibration, String method,
      double defaultTau) {
    if (userTau.isPresent()) {
      return new TauChoice(userTau.getAsDouble(), "chosen by the user");
    }
    if (calibration.isPresent()) {
      Calibration c = calibration.get();
      OptionalDouble t = c.tauFor(method);
      if (t.isPresent()) {
        return new TauChoice(t.getAsDouble(), "τ* of " + method + " on the validation split " + c.dataset() + " ("
            + c.images() + " images, MaxBoxAcc " + String.format(java.util.Locale.ROOT, "%.1f %%",
                100 * c.methods().get(method).maxBoxAcc()) + ")");
      }
      return new TauChoice(defaultTau, "the default of Zhou et al. 2016 (the model's calibration has no τ* for "
          + method + ")");
    }
    return new TauChoice(defaultTau, "the default of Zhou et al. 2016 (the model has no calibration)");
  }
}
