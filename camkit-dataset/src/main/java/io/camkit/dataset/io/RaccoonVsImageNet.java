package io.camkit.dataset.io;

import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.Permutations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A two-class image folder for transfer-learning demos, built from {@code ../shared/data}: the
 * raccoon photos (Pascal VOC boxes) against other ImageNet validation photos.
 *
 * <pre>
 *   out/train/{other,raccoon}/        images (raccoon: NAME.xml beside each)
 *   out/val/{other,raccoon}/          validation images, both classes: validation accuracy
 *                                     ({@code camkit train} reads {@code val/})
 *   out/val-raccoon/{other,raccoon}/  the validation raccoons only: where τ* is chosen
 *                                     ({@code camkit train --tau-data}); the other photos have no
 *                                     boxes, and a folder image without one counts the whole frame
 *   out/test/{other,raccoon}/         held-out images, both classes: classification accuracy
 *   out/test-raccoon/{other,raccoon}/ the held-out raccoons only ("other" empty): GT-known localization
 *   out/split.json                    seed, counts and every file's origin
 * </pre>
 *
 * <p>ImageNet images of the raccoon synset ({@link #RACCOON_SYNSET}) are excluded (ILSVRC-2012's
 * 1000 classes do not include it, so none is expected; the count is reported). Each class is
 * shuffled with {@code seed}; its first {@code round(n · testFraction)} images go to test, the next
 * {@code round(n · valFraction)} to val, the rest to train (so the test split does not depend on
 * {@code valFraction}). The folder is built beside {@code out} and moved into place when complete.
 */
public final class RaccoonVsImageNet {
  /** WordNet id of "raccoon, racoon" (not one of ILSVRC-2012's 1000 classes). */
  public static final String RACCOON_SYNSET = "n02508021";

  private RaccoonVsImageNet() {}

  /**
   * @param raccoonDir {@code ../shared/data/raccoon} (images/, annotations/)
   * @param imagenetDir {@code ../shared/data/imagenet_val_1300} (dataset.txt, synset_words.txt, images/)
   * @param raccoons raccoon images to use (≤ 200)
   * @param others ImageNet images to use
   * @param testFraction share of each class held out for test, in (0, 1)
   * @param valFraction share of each class held out for validation, in [0, 1), with at least one
   *     image of each class left for training
   * @return what was written (also {@code split.json})
   */
  public static Map<String, Object> build(Path raccoonDir, Path imagenetDir, Path out, int raccoons, int others,
      double testFraction, double valFraction, long seed) throws IOException {
    if (Files.exists(out)) {
      throw new CamkitException(out + " already exists; choose another --out");
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new CamkitException("--test-fraction must be in (0, 1), got " + testFraction);
    }
    if (!(valFraction >= 0 && testFraction + valFraction < 1)) {
      throw new CamkitException("--val-fraction must be in [0, 1 − test fraction), got " + valFraction);
    }
    List<Path> racc = listRaccoons(raccoonDir);
    List<Path> inet = listImageNet(imagenetDir);
    int excluded = inet.size();
    inet = inet.stream().filter(p -> p != null).toList();
    if (raccoons < 2 || raccoons > racc.size()) {
      throw new CamkitException("--raccoons must be in 2.." + racc.size() + ", got " + raccoons);
    }
    if (others < 2 || others > inet.size()) {
      throw new CamkitException("--others must be in 2.." + inet.size() + ", got " + others);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<Path> r = pick(racc, raccoons, rng);
    List<Path> o = pick(inet, others, rng);
    int rTest = (int) Math.round(r.size() * testFraction);
    int oTest = (int) Math.round(o.size() * testFraction);
    int rVal = (int) Math.round(r.size() * valFraction);
    int oVal = (int) Math.round(o.size() * valFraction);
    if (r.size() - rTest - rVal < 1 || o.size() - oTest - oVal < 1) {
      throw new CamkitException("--test-fraction " + testFraction + " and --val-fraction " + valFraction
          + " leave no training image of a class; lower them or use more images");
    }
    Path tmp = Files.createTempDirectory(out.toAbsolutePath().getParent(), "." + out.getFileName() + "-");
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("raccoon", raccoonDir.toAbsolutePath().normalize().toString());
    manifest.put("imagenet", imagenetDir.toAbsolutePath().normalize().toString());
    manifest.put("seed", seed);
    manifest.put("testFraction", testFraction);
    manifest.put("valFraction", valFraction);
    manifest.put("excludedRaccoonSynsetImages", excluded - inet.size());
    manifest.put("train", Map.of("raccoon", r.size() - rTest - rVal, "other", o.size() - oTest - oVal));
    manifest.put("val", Map.of("raccoon", rVal, "other", oVal));
    manifest.put("test", Map.of("raccoon", rTest, "other", oTest));
    Map<String, List<String>> files = new LinkedHashMap<>();
    for (String split : rVal + oVal > 0 ? List.of("train", "val", "val-raccoon", "test", "test-raccoon")
        : List.of("train", "test", "test-raccoon")) {
      Files.createDirectories(tmp.resolve(split).resolve("raccoon"));
      Files.createDirectories(tmp.resolve(split).resolve("other"));
    }
    for (int i = 0; i < r.size(); i++) {
      Path img = r.get(i);
      String name = img.getFileName().toString();
      Path xml = raccoonDir.resolve("annotations").resolve(name.replaceFirst("\\.[^.]*$", "") + ".xml");
      List<String> splits = i < rTest ? List.of("test", "test-raccoon")
          : i < rTest + rVal ? List.of("val", "val-raccoon") : List.of("train");
      for (String split : splits) {
        Path dir = tmp.resolve(split).resolve("raccoon");
        Files.copy(img, dir.resolve(name));
        Files.copy(xml, dir.resolve(xml.getFileName()));
      }
      files.computeIfAbsent(splits.get(0) + "/raccoon", k -> new ArrayList<>()).add(raccoonDir.relativize(img).toString());
    }
    for (int i = 0; i < o.size(); i++) {
      Path img = o.get(i);
      String split = i < oTest ? "test" : i < oTest + oVal ? "val" : "train";
      Files.copy(img, tmp.resolve(split).resolve("other").resolve(img.getFileName()));
      files.computeIfAbsent(split + "/other", k -> new ArrayList<>()).add(imagenetDir.relativize(img).toString());
    }
    manifest.put("files", files);
    AtomicFiles.writeString(tmp.resolve("split.json"), new com.fasterxml.jackson.databind.ObjectMapper()
        .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(manifest));
    Files.move(tmp, out);
    return manifest;
  }

  private static List<Path> pick(List<Path> all, int n, SplittableRandom rng) {
    int[] order = Permutations.of(all.size(), rng);
    List<Path> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(all.get(order[i]));
    }
    return out;
  }

  private static List<Path> listRaccoons(Path dir) throws IOException {
    Path images = dir.resolve("images");
    if (!Files.isDirectory(images) || !Files.isDirectory(dir.resolve("annotations"))) {
      throw new CamkitException(dir + " is not the raccoon folder (expected images/ and annotations/)");
    }
    try (Stream<Path> s = Files.list(images)) {
      return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jpg"))
          .filter(p -> Files.isRegularFile(dir.resolve("annotations")
              .resolve(p.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".xml")))
          .sorted().toList();
    }
  }

  /** Every listed image, with those of the raccoon synset replaced by null (counted, then dropped). */
  private static List<Path> listImageNet(Path dir) throws IOException {
    Path list = dir.resolve("dataset.txt");
    Path words = dir.resolve("synset_words.txt");
    if (!Files.isRegularFile(list) || !Files.isRegularFile(words)) {
      throw new CamkitException(dir + " is not an ImageNet image list (expected dataset.txt and synset_words.txt)");
    }
    List<String> synsets = Files.readAllLines(words).stream().map(l -> l.split(" ", 2)[0]).toList();
    List<Path> out = new ArrayList<>();
    for (String line : Files.readAllLines(list)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      int cls = Integer.parseInt(f[1].trim());
      out.add(synsets.get(cls).equals(RACCOON_SYNSET) ? null : dir.resolve(f[0].trim()));
    }
    return out;
  }
}
