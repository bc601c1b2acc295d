package io.camkit.interop;

import io.camkit.core.CamkitException;
import io.camkit.interop.onnx.OnnxCard;
import io.camkit.interop.onnx.OnnxModel;
import io.camkit.interop.torchscript.TorchScriptCard;
import io.camkit.interop.torchscript.TorchScriptForwardModel;
import io.camkit.interop.torchscript.TorchScriptModel;
import io.camkit.interop.transfer.TransferCard;
import io.camkit.interop.transfer.TransferModel;
import io.camkit.model.CamModel;
import io.camkit.model.ModelCard;
import io.camkit.model.layers.CamModelLayers;
import io.camkit.model.layers.LayeredModel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens any model camkit can explain, by what the path is. */
public final class Models {
  private Models() {}

  /**
   * A camkit model folder (with {@code model.json}), a transfer model folder (with {@code
   * transfer.json}: a backbone and a new head, see {@link TransferModel}), a TorchScript file
   * ({@code .pt}/{@code .pth}/{@code .torchscript}) or an ONNX file ({@code .onnx}), each with its
   * card beside it. Close the result to free the weights.
   */
  public static LayeredModel open(Path path) {
    return open(path, null);
  }

  /** As {@link #open(Path)}, with the model card at {@code card} (null: beside the model). */
  public static LayeredModel open(Path path, Path cardFile) {
    if (Files.isDirectory(path)) {
      if (TransferCard.isTransferFolder(path)) {
        return TransferModel.load(path);
      }
      if (!Files.isRegularFile(path.resolve(ModelCard.FILE))) {
        throw new CamkitException("not a camkit model folder (no " + ModelCard.FILE + "): " + path);
      }
      return CamModelLayers.owning(CamModel.load(path));
    }
    if (!Files.isRegularFile(path)) {
      throw new CamkitException("no such model: " + path + " (expected a camkit model folder with " + ModelCard.FILE
          + ", a transfer folder, a TorchScript .pt or an ONNX .onnx file)");
    }
    String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".torchscript")) {
      TorchScriptCard card = cardFile != null ? TorchScriptCard.read(cardFile) : TorchScriptCard.besides(path);
      return card.splits().isEmpty() ? TorchScriptForwardModel.load(path, card) : TorchScriptModel.load(path, card);
    }
    if (name.endsWith(".onnx")) {
      OnnxCard card = cardFile != null ? OnnxCard.read(cardFile) : OnnxCard.besides(path);
      return OnnxModel.load(path, card);
    }
    throw new CamkitException("unknown model format: " + path
        + " (expected a camkit model folder, a TorchScript .pt file or an .onnx file, with its .json card)");
  }

  /**
   * Whether the model at {@code path} was trained multi-label (binary cross-entropy, one sigmoid
   * per class), as its camkit model card says; false for every other kind of model.
   */
  public static boolean trainedMultiLabel(Path path) {
    if (!Files.isRegularFile(path.resolve(ModelCard.FILE))) {
      return false;
    }
    var training = ModelCard.read(path).training();
    return training != null && training.multiLabel();
  }
}
