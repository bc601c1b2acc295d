package io.camkit.cli;

import io.camkit.interop.Models;
import io.camkit.model.layers.LayerInfo;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code camkit layers MODEL}: the layers a method can target, with their output shapes. */
@Command(name = "layers", mixinStandardHelpOptions = true,
    description = "List the layers of a model that --layer can name, with their output shapes (K×h×w for one"
        + " image of the model's input size); the default target is marked.")
final class LayersCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "a camkit model folder, a TorchScript .pt or an .onnx file (with its .json card)")
  Path model;

  @Option(names = "--card", description = "the model card of a TorchScript or ONNX model (default: beside the model)")
  Path card;

  @Mixin TokensMixin tokens;

  @Override
  public Integer call() {
    try (LayeredModel m = Models.open(model, card, tokens.grid())) {
      int[] in = m.inputSize();
      System.out.println(m.description() + ": input 3×" + in[0] + "×" + in[1] + ", " + m.classes().size() + " classes");
      int width = m.layers().stream().mapToInt(l -> l.name().length()).max().orElse(5);
      String fmt = "%-" + Math.max(5, width) + "s  %-14s  %-4s  %-4s  %s%n";
      System.out.printf(fmt, "layer", "output", "cam", "grad", "kind");
      String autoForCam = m.autoLayer(m::supportsCam);
      String autoForGradients = m.autoLayer(m::supportsGradients);
      for (LayerInfo l : m.layers()) {
        String mark = (l.name().equals(autoForCam) && m.supportsCam(l.name()) ? " (auto: cam)" : "")
            + (l.name().equals(autoForGradients) ? " (auto: gradient methods)" : "");
        boolean cam = m.supportsCam(l.name());
        boolean grad = m.supportsGradients(l.name());
        System.out.printf(fmt, l.name(), l.shapeText(), cam ? "yes" : "-", grad ? "yes" : "-", l.kind() + mark);
      }
    }
    return 0;
  }
}
