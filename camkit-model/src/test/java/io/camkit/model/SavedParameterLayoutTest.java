package io.camkit.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.camkit.model.train.CamNetTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parameters a {@link CamNet} saves, per architecture and head: their names, order and shapes
 * equal the golden lists in {@code src/test/resources/io/camkit/model/params/} (written by the
 * build before the architecture became data), so {@code model.params} files of older builds still
 * load; and a saved model loads into a freshly built one unchanged. Regenerate the golden lists
 * with {@code -Dcamkit.regenerate=src/test/resources/io/camkit/model/params} (then review the diff:
 * a change breaks every saved model).
 */
class SavedParameterLayoutTest {
  static final List<String> SIX = List.of("a", "b", "c", "d", "e", "f");

  @TempDir Path tmp;

  static Map<String, CamNetOptions> configurations() {
    Map<String, CamNetOptions> c = new LinkedHashMap<>();
    c.put("camnet-default-96", CamNetOptions.defaults(96, 6));
    c.put("camnet-default-32", CamNetOptions.defaults(32, 6));
    for (String arch : CamNetOptions.ARCHS) {
      c.put(arch + "-gap-40", new CamNetOptions(40, 6, 8, 16, 0.5f, 0.25f, HeadOptions.gap(), arch));
    }
    c.put("camnet-weldon", new CamNetOptions(64, 6, 8, 16, 0.5f, 0.25f, new HeadOptions("weldon", 3, 2, 1, 5, 1), "camnet"));
    c.put("nin-lse-learned", new CamNetOptions(64, 6, 8, 16, 0.5f, 0.25f, new HeadOptions("lse", 3, 2, 1, 5, 1, true), "nin"));
    c.put("cnn-gap-wildcat", new CamNetOptions(64, 6, 8, 16, 0.5f, 0.25f, new HeadOptions("wildcat", 3, 2, 0.7, 5, 4), "cnn-gap"));
    return c;
  }

  static String layout(CamModel m) {
    StringBuilder sb = new StringBuilder();
    for (var p : m.net().getParameters()) {
      sb.append(p.getKey()).append(' ').append(p.getValue().getArray().getShape()).append('\n');
    }
    return sb.toString();
  }

  @Test
  void parameterNamesOrderAndShapesAreThoseOfTheGoldenLists() throws IOException {
    String regenerate = System.getProperty("camkit.regenerate");
    for (var e : configurations().entrySet()) {
      try (CamModel m = CamNetTrainer.newModel(e.getValue(), SIX, 7L)) {
        if (regenerate != null) {
          Files.writeString(Path.of(regenerate, e.getKey() + ".names"), layout(m));
          continue;
        }
        try (InputStream in = getClass().getResourceAsStream("params/" + e.getKey() + ".names")) {
          assertThat(in).as(e.getKey()).isNotNull();
          assertThat(layout(m)).as(e.getKey()).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
  }

  @Test
  void savedParametersLoadIntoAFreshNetUnchanged() throws IOException {
    for (var e : configurations().entrySet()) {
      Path file = tmp.resolve(e.getKey() + ".params");
      try (CamModel saved = CamNetTrainer.newModel(e.getValue(), SIX, 7L);
          CamModel other = CamNetTrainer.newModel(e.getValue(), SIX, 8L)) {
        saved.saveParameters(file);
        other.loadParameters(file);
        var a = saved.net().getParameters();
        var b = other.net().getParameters();
        assertThat(b.size()).isEqualTo(a.size());
        for (int i = 0; i < a.size(); i++) {
          assertThat(b.valueAt(i).getArray().toFloatArray()).as(e.getKey() + " " + a.keyAt(i))
              .containsExactly(a.valueAt(i).getArray().toFloatArray());
        }
        Path again = tmp.resolve(e.getKey() + ".again");
        other.saveParameters(again);
        assertThat(Files.readAllBytes(again)).as(e.getKey()).isEqualTo(Files.readAllBytes(file));
      }
    }
  }
}
