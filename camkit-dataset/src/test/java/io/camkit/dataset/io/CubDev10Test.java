package io.camkit.dataset.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.core.testing.SharedData;
import io.camkit.dataset.Sample;
import io.camkit.dataset.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code ../shared/data/cub200_dev10}: ten species of CUB-200-2011 in the upstream layout. The
 * counts per part are checked against the metadata files, counted here line by line.
 */
@Tag("shared-data")
class CubDev10Test {
  @Test
  void thePartsMatchTheFilesAndTheOfficialSplit() throws Exception {
    Path dir = SharedData.root().resolve("data/cub200_dev10");
    Map<String, Integer> trainPerClass = new HashMap<>();
    Map<String, String> classOf = new HashMap<>();
    for (String l : Files.readAllLines(dir.resolve("image_class_labels.txt"))) {
      String[] f = l.trim().split("\\s+");
      classOf.put(f[0], f[1]);
    }
    int train = 0;
    int test = 0;
    for (String l : Files.readAllLines(dir.resolve("train_test_split.txt"))) {
      String[] f = l.trim().split("\\s+");
      if (f[1].equals("1")) {
        train++;
        trainPerClass.merge(classOf.get(f[0]), 1, Integer::sum);
      } else {
        test++;
      }
    }
    assertThat(train).isEqualTo(300); // SOURCE.md: the official split is 300 / 261
    assertThat(test).isEqualTo(261);
    assertThat(trainPerClass).hasSize(10);

    CubFormat.Selection sel = CubFormat.Selection.defaults(); // 5 validation images per class
    CocoFormat.Loaded t = CubFormat.read(dir, Split.TEST, sel, false);
    CocoFormat.Loaded v = CubFormat.read(dir, Split.VAL, sel, false);
    CocoFormat.Loaded tr = CubFormat.read(dir, Split.TRAIN, sel, false);
    assertThat(t.dataset().size()).isEqualTo(test);
    assertThat(v.dataset().size()).isEqualTo(50);
    assertThat(tr.dataset().size()).isEqualTo(train - 50);
    assertThat(t.dataset().classes()).hasSize(10).startsWith("002.Laysan_Albatross").endsWith("050.Eared_Grebe");
    for (int c = 0; c < 10; c++) {
      int cls = c;
      String upstream = String.valueOf(Integer.parseInt(t.dataset().classes().get(c).substring(0, 3)));
      assertThat(v.dataset().samples().stream().filter(s -> s.label() == cls).count()).isEqualTo(5);
      assertThat(tr.dataset().samples().stream().filter(s -> s.label() == cls).count())
          .isEqualTo(trainPerClass.get(upstream) - 5);
    }
    // lenient: a JPEG whose ICC profile ImageIO warns about counts as "decoded in part" and is kept
    assertThat(t.problems()).noneMatch(io.camkit.core.DataProblem::skipped);
    assertThat(tr.problems()).noneMatch(io.camkit.core.DataProblem::skipped);
    // every box lies inside its image and none is the whole-image stand-in
    for (Sample s : t.dataset().samples()) {
      var b = s.objects().get(0).box();
      assertThat(b.x1()).isLessThanOrEqualTo(s.image().width());
      assertThat(b.area()).isLessThan((long) s.image().width() * s.image().height());
    }
    // a subset: two species, numbered in classes.txt order
    CocoFormat.Loaded two = CubFormat.read(dir, Split.TEST, new CubFormat.Selection(Set.of(50, 2), 5, 0), false);
    assertThat(two.dataset().classes()).isEqualTo(List.of("002.Laysan_Albatross", "050.Eared_Grebe"));
    assertThat(DatasetFolders.read(dir).dataset().size()).isEqualTo(test);
  }
}
