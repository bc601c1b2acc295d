package io.camkit.dataset.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import io.camkit.dataset.Sample;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of COCO mistake is one problem; the rest of the file is used. */
class CocoProblemsTest {
  @TempDir Path dir;

  @Test
  void eachMistakeIsOneProblemAndTheRestIsUsed() throws Exception {
    Files.createDirectories(dir.resolve("images"));
    for (int i = 1; i <= 7; i++) {
      ImageIO.write(new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("images/" + i + ".png")
          .toFile());
    }
    // 1 good; 2 inverted bbox (its only one); 3 NaN bbox + a good one; 4 unknown category (only one);
    // 5 outside the image (only one); 6 empty box + good; 7 no annotation; 8 missing file
    StringBuilder images = new StringBuilder();
    for (int i = 1; i <= 8; i++) {
      images.append(i > 1 ? "," : "").append("{\"id\":").append(i).append(",\"file_name\":\"images/").append(i)
          .append(".png\"}");
    }
    String anns = String.join(",",
        ann(1, 1, 1, "[1, 2, 10, 10]"), ann(2, 2, 1, "[20, 5, -10, 10]"), ann(3, 3, 1, "[NaN, 2, 10, 10]"),
        ann(4, 3, 2, "[0, 0, 5, 5]"), ann(5, 4, 9, "[0, 0, 5, 5]"), ann(6, 5, 1, "[40, 30, 5, 5]"),
        ann(7, 6, 1, "[3, 3, 0, 4]"), ann(8, 6, 1, "[3, 3, 4, 4]"), ann(9, 8, 1, "[0, 0, 4, 4]"));
    Files.writeString(dir.resolve("annotations.json"), "{\"images\":[" + images + "],\"annotations\":[" + anns
        + "],\"categories\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]}");
    CocoFormat.Loaded l = CocoFormat.read(dir);
    assertThat(l.dataset().samples()).extracting(Sample::id).containsExactly("1", "3", "6");
    assertThat(l.dataset().samples().get(1).objects()).singleElement()
        .satisfies(o -> assertThat(o.classIndex()).isEqualTo(1));
    String json = dir.resolve("annotations.json").toString();
    assertThat(l.problems()).extracting(DataProblem::file, DataProblem::kind, DataProblem::skipped).containsExactly(
        org.assertj.core.groups.Tuple.tuple(json, DataProblem.Kind.BAD_BOX, true),
        org.assertj.core.groups.Tuple.tuple(json, DataProblem.Kind.BAD_BOX, false),
        org.assertj.core.groups.Tuple.tuple(json, DataProblem.Kind.UNKNOWN_CLASS, true),
        org.assertj.core.groups.Tuple.tuple(json, DataProblem.Kind.BAD_BOX, true),
        org.assertj.core.groups.Tuple.tuple(json, DataProblem.Kind.BAD_BOX, false),
        org.assertj.core.groups.Tuple.tuple(dir.resolve("images/7.png").toString(), DataProblem.Kind.NO_ANNOTATION, true),
        org.assertj.core.groups.Tuple.tuple(dir.resolve("images/8.png").toString(), DataProblem.Kind.MISSING_IMAGE, true));
    assertThat(l.problems().get(0).reason()).isEqualTo("annotation 2 (image 2): bbox [20, 5, -10, 10] is inverted"
        + " (negative width or height); images/2.png has no other annotation and is left out");
    assertThat(l.problems().get(1).reason()).isEqualTo("annotation 3 (image 3): bbox [NaN, 2, 10, 10] has a"
        + " non-finite coordinate");
    assertThat(l.problems().get(3).reason()).startsWith("box [40, 30, 5, 5] of image 5 lies outside its 32x24 pixels");
    assertThat(l.problems().get(4).reason()).contains("is empty");
    assertThat(l.summary()).isEqualTo("3 images, 5 skipped: 2 bad box, 1 unknown class, 1 no annotation,"
        + " 1 missing image; 2 used with a problem: 2 bad box");
    assertThatThrownBy(() -> CocoFormat.read(dir, true)).isInstanceOf(CamkitException.class)
        .hasMessageContaining("annotation 2 (image 2)").hasMessageContaining("strict = false");

    Path out = dir.resolve("out/problems.json");
    DataProblems.writeJson(l.dataset().size(), l.problems(), out);
    JsonNode root = new ObjectMapper().readTree(out.toFile());
    assertThat(root.path("images").asInt()).isEqualTo(3);
    assertThat(root.path("skipped").asInt()).isEqualTo(5);
    assertThat(root.path("problems")).hasSize(7);
    assertThat(root.path("problems").path(6).path("kind").asText()).isEqualTo("MISSING_IMAGE");
    assertThat(root.path("problems").path(6).path("file").asText()).endsWith("8.png");
    assertThat(Files.list(out.getParent()).toList()).hasSize(1); // no temp file left
  }

  private static String ann(int id, int image, int cat, String bbox) {
    return "{\"id\":" + id + ",\"image_id\":" + image + ",\"category_id\":" + cat + ",\"bbox\":" + bbox + "}";
  }

  @Test
  void anImageListReportsBadLinesAndRows() throws Exception {
    Files.createDirectories(dir.resolve("images"));
    ImageIO.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("images/a.png").toFile());
    Files.writeString(dir.resolve("synset_words.txt"), "n01 cat\nn02 dog\n");
    Files.writeString(dir.resolve("dataset.txt"), "images/a.png, 1\nimages/b.png, 0\nimages/a.png, 7\nno comma\n");
    Files.writeString(dir.resolve("boxes.csv"), "image,class_index,xmin,ymin,xmax,ymax\nimages/a.png,1,9,2,3,8\n"
        + "images/a.png,1,x,2,3,8\nimages/a.png,1,1,1,5,5\n");
    CocoFormat.Loaded l = ImageListFormat.read(dir, null);
    assertThat(l.dataset().samples()).singleElement()
        .satisfies(s -> assertThat(s.objects().get(0).box()).isEqualTo(new io.camkit.core.Box(1, 1, 5, 5)));
    assertThat(l.problems()).extracting(p -> p.kind() + " " + Path.of(p.file()).getFileName() + " " + p.reason())
        .containsExactly(
            "BAD_BOX boxes.csv row 2: box 9.0,2.0,3.0,8.0 is inverted (xmax < xmin or ymax < ymin)",
            "BAD_ENTRY boxes.csv row 3: malformed number (For input string: \"x\")",
            "MISSING_IMAGE b.png image not found",
            "UNKNOWN_CLASS dataset.txt line 3: class index 7 is out of range for 2 classes",
            "BAD_ENTRY dataset.txt line 4: expected 'path, class_index', got: no comma");
  }
}
