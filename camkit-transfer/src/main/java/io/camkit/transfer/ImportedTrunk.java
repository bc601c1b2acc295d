package io.camkit.transfer;

import ai.djl.nn.Block;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An imported backbone up to one layer as a trainable DJL block, {@code x [N, 3, H, W] → A [N, K,
 * h, w]}, whose training leaves the imported file alone: {@link TorchScriptTrunk} and {@link
 * OnnxTrunk}.
 */
interface ImportedTrunk extends Block, AutoCloseable {
  /** The parameter groups (modules, nodes) that train, in order. */
  List<String> trainedGroups();

  /** How batch norm runs while training, for the card. */
  String batchNorm();

  /** Writes the whole fine-tuned model, in the imported format, to {@code file}. */
  void save(Path file) throws IOException;

  @Override
  void close();
}
