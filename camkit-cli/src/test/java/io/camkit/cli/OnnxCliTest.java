package io.camkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.interop.onnx.OnnxTensors;
import io.camkit.interop.onnx.proto.Onnx.AttributeProto;
import io.camkit.interop.onnx.proto.Onnx.GraphProto;
import io.camkit.interop.onnx.proto.Onnx.ModelProto;
import io.camkit.interop.onnx.proto.Onnx.NodeProto;
import io.camkit.interop.onnx.proto.Onnx.OperatorSetIdProto;
import io.camkit.interop.onnx.proto.Onnx.TensorProto;
import io.camkit.interop.onnx.proto.Onnx.TypeProto;
import io.camkit.interop.onnx.proto.Onnx.ValueInfoProto;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ONNX file with its card through the command line: layers, localize with CAM and Grad-CAM, bad layer. */
class OnnxCliTest {
  @TempDir static Path tmp;
  static Path onnx;
  static Path images;

  static final TypeProto FLOAT = TypeProto.newBuilder()
      .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)).build();

  /** x [N,3,16,16] → Conv 3×3 p1 (3→4) → Relu → GAP → 1×1 Conv (4→3) → Flatten. */
  @BeforeAll
  static void write() throws Exception {
    Random r = new Random(5);
    float[] w1 = new float[4 * 3 * 3 * 3];
    float[] w2 = new float[3 * 4];
    for (int i = 0; i < w1.length; i++) {
      w1[i] = r.nextFloat() - 0.5f;
    }
    for (int i = 0; i < w2.length; i++) {
      w2[i] = r.nextFloat() - 0.5f;
    }
    AttributeProto k3 = AttributeProto.newBuilder().setName("kernel_shape").setType(AttributeProto.AttributeType.INTS)
        .addInts(3).addInts(3).build();
    AttributeProto pads = AttributeProto.newBuilder().setName("pads").setType(AttributeProto.AttributeType.INTS)
        .addInts(1).addInts(1).addInts(1).addInts(1).build();
    GraphProto g = GraphProto.newBuilder().setName("tiny")
        .addInput(ValueInfoProto.newBuilder().setName("image").setType(FLOAT))
        .addInitializer(OnnxTensors.floatTensor("w1", w1, 4, 3, 3, 3))
        .addInitializer(OnnxTensors.floatTensor("w2", w2, 3, 4, 1, 1))
        .addNode(NodeProto.newBuilder().setOpType("Conv").addInput("image").addInput("w1").addOutput("conv")
            .addAttribute(k3).addAttribute(pads))
        .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("conv").addOutput("relu"))
        .addNode(NodeProto.newBuilder().setOpType("GlobalAveragePool").addInput("relu").addOutput("gap"))
        .addNode(NodeProto.newBuilder().setOpType("Conv").addInput("gap").addInput("w2").addOutput("scores"))
        .addNode(NodeProto.newBuilder().setOpType("Flatten").addInput("scores").addOutput("out"))
        .addOutput(ValueInfoProto.newBuilder().setName("out").setType(FLOAT)).build();
    byte[] bytes = ModelProto.newBuilder().setIrVersion(7)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build().toByteArray();
    onnx = tmp.resolve("tiny.onnx");
    Files.write(onnx, bytes);
    Files.writeString(tmp.resolve("labels.txt"), "cat\ndog\nfox\n");
    Files.writeString(tmp.resolve("tiny.json"), "{\"height\": 16, \"width\": 16, \"labels\": \"labels.txt\"}");
    images = Files.createDirectories(tmp.resolve("images"));
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, x > 20 && y > 10 ? 0xff2040 : 0x203040);
      }
    }
    ImageIO.write(img, "png", images.resolve("a.png").toFile());
  }

  @Test
  void layersShowsTheTensorsWithCamAndGradientColumns() {
    String out = ExplainCommandsTest.run(0, "layers", onnx.toString())[0];
    assertThat(out).contains("input 3×16×16").contains("3 classes");
    assertThat(out).containsPattern("conv\\s+4×16×16\\s+-\\s+yes");
    assertThat(out).containsPattern("relu\\s+4×16×16\\s+yes\\s+yes.*\\(auto: cam\\)");
  }

  @Test
  void localizeWithGradCamWritesTheClassNameFromTheLabelsFile() throws Exception {
    Path out = tmp.resolve("gc");
    ExplainCommandsTest.run(0, "localize", "--model", onnx.toString(), "--card", tmp.resolve("tiny.json").toString(),
        "--method", "gradcam", images.toString(), "--out", out.toString());
    String json = Files.readString(out.resolve("a.json"));
    assertThat(json).containsPattern("\"class\"\\s*:\\s*\"(cat|dog|fox)\"").contains("\"layer\" : \"relu\"");
    assertThat(out.resolve("a-cam.png")).exists();
  }

  @Test
  void aLayerThatDoesNotExistIsOneLineWithTheValidNames() {
    String err = ExplainCommandsTest.run(2, "localize", "--model", onnx.toString(), "--layer", "fc9", images.toString(),
        "--out", tmp.resolve("x").toString())[1];
    assertThat(err.strip()).isEqualTo("camkit: no layer named 'fc9'; valid layers: conv, relu");
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void anOnnxModelOnMultiLabelDataGivesPerClassApAndLocalizationForEveryMethod() throws Exception {
    // three 40×30 images, each with two classes: a bright box of each at known places
    java.util.List<io.camkit.dataset.Sample> samples = new java.util.ArrayList<>();
    int[][] pairs = {{0, 1}, {1, 2}, {2, 0}};
    for (int i = 0; i < pairs.length; i++) {
      BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 30; y++) {
        for (int x = 0; x < 40; x++) {
          img.setRGB(x, y, x < 15 && y < 12 ? 0xff2040 : x > 24 && y > 16 ? 0x20ff40 : 0x203040);
        }
      }
      samples.add(new io.camkit.dataset.Sample("m" + i, io.camkit.core.RgbImage.of(img), java.util.List.of(
          new io.camkit.dataset.ObjectAnnotation(pairs[i][0], new io.camkit.core.Box(0, 0, 15, 12),
              java.util.Optional.empty()),
          new io.camkit.dataset.ObjectAnnotation(pairs[i][1], new io.camkit.core.Box(25, 17, 40, 30),
              java.util.Optional.empty()))));
    }
    Path coco = tmp.resolve("multi");
    io.camkit.dataset.io.CocoFormat.write(new io.camkit.dataset.Dataset("multi", java.util.List.of("cat", "dog", "fox"),
        samples), coco);
    Path out = tmp.resolve("multi-eval");
    String stdout = ExplainCommandsTest.run(0, "evaluate", "--model", onnx.toString(), "--card",
        tmp.resolve("tiny.json").toString(), "--data", coco.toString(), "--method", "cam,gradcam", "--out",
        out.toString())[0];
    com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.resolve("metrics.json").toFile());
    assertThat(m.path("multiLabel").asBoolean()).isTrue();
    assertThat(m.path("metrics").path("pairs").asInt()).isEqualTo(6);
    assertThat(m.path("perClass")).hasSize(3);
    assertThat(m.path("perClass").get(0).path("class").asText()).isEqualTo("cat");
    assertThat(m.path("perClass").get(0).path("pairs").asInt()).isEqualTo(2);
    double map = m.path("metrics").path("mAP").asDouble();
    assertThat(map).isBetween(0.0, 1.0);
    assertThat(stdout).contains("| cam | relu |").contains("| gradcam | relu |");
    // a GAP + 1×1 conv head: Grad-CAM's maps are CAM's up to a factor, so the two lines agree
    String[] lines = java.nio.file.Files.readString(out.resolve("methods.md")).split("\n");
    String cam = java.util.Arrays.stream(lines).filter(l -> l.startsWith("| cam |")).findFirst().orElseThrow();
    String grad = java.util.Arrays.stream(lines).filter(l -> l.startsWith("| gradcam |")).findFirst().orElseThrow();
    assertThat(grad.substring("| gradcam |".length())).isEqualTo(cam.substring("| cam |".length()));
  }
}
