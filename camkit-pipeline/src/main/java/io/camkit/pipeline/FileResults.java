package io.camkit.pipeline;

import io.camkit.core.CamkitException;
import io.camkit.core.Interruption;
import io.camkit.core.ImageFiles;
import io.camkit.core.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains image files in batches, streaming each result to a sink with its image, so that memory
 * follows the batch and not the folder. A file that is not a readable image is reported to the
 * sink and skipped; it never stops the run.
 */
public final class FileResults {
  private FileResults() {}

  /** Receives each result in file order, and each file that could not be read. */
  public interface Sink {
    /** One image explained: {@code image} as read (EXIF orientation applied). */
    void accept(Path file, RgbImage image, ImageResult result) throws Exception;

    /** One file skipped, with the reason. */
    default void skipped(Path file, String reason) {}

    /**
     * One damaged file that decoded only in part (a truncated JPEG): it is explained all the same
     * unless the caller runs strict; this says so before its result arrives.
     */
    default void partial(Path file, String reason) {}
  }

  /**
   * Reads and explains {@code files} (see {@link ImageInputs#list}) one batch of {@link
   * Explainer#batchSize()} at a time.
   *
   * @return how many images were explained; fewer than the readable files when a stop was
   *     requested ({@link Interruption#requested()}): the batch in progress is then dropped and the
   *     results before it were all delivered
   */
  public static int explain(Explainer explainer, List<Path> files, Sink sink) throws Exception {
    return explain(explainer, files, false, sink);
  }

  /**
   * @param strict skip a damaged file that decodes only in part (reported to {@link
   *     Sink#skipped}) instead of explaining it
   */
  public static int explain(Explainer explainer, List<Path> files, boolean strict, Sink sink) throws Exception {
    int done = 0;
    List<Path> paths = new ArrayList<>();
    List<RgbImage> images = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      try {
        ImageFiles.Decoded d = ImageFiles.decode(f);
        if (d.partial() && strict) {
          sink.skipped(f, f + ": " + d.partialReason());
        } else {
          if (d.partial()) {
            sink.partial(f, f + ": " + d.partialReason());
          }
          images.add(d.image());
          paths.add(f);
        }
      } catch (CamkitException e) {
        sink.skipped(f, e.getMessage());
      }
      if (images.size() == explainer.batchSize() || i == files.size() - 1 && !images.isEmpty()) {
        var explained = explainer.explainUnlessStopped(images, paths.stream().map(Path::toString).toList(),
            (first, y) -> explainer.request().targets().select(y));
        if (explained.isEmpty()) {
          return done; // stopped: the batch in progress is dropped
        }
        List<ImageResult> results = explained.get();
        for (int j = 0; j < results.size(); j++) {
          sink.accept(paths.get(j), images.get(j), results.get(j));
        }
        done += results.size();
        paths.clear();
        images.clear();
      }
    }
    return done;
  }
}
