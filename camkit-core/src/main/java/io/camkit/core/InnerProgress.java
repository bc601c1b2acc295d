package io.camkit.core;

/**
 * Progress inside one long call, for methods whose single batch takes seconds to minutes
 * (Score-CAM's K masked passes per image, Smooth Grad-CAM++'s noisy copies, Augmented Grad-CAM's
 * augmentations and super-resolution, faithfulness curves). Such loops call {@link #update} after
 * each inner step and {@link Interruption#check} before it; a front end that shows progress
 * {@link #listen}s and draws the fraction with its own rate and ETA, so a bar moves within an
 * image and not only between batches.
 *
 * <p>One listener per JVM (the front end's); with none, {@link #update} costs one volatile read.
 */
public final class InnerProgress {
  /** Receives the inner progress of the call that is running. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param what the inner steps, e.g. {@code "score-cam masked passes"}
     * @param done steps done in the current call
     * @param total steps of the current call
     */
    void update(String what, long done, long total);
  }

  private static volatile Listener listener;

  private InnerProgress() {}

  /** Sends inner progress to {@code l} (replacing any earlier listener). */
  public static void listen(Listener l) {
    listener = l;
  }

  /** Stops sending inner progress. */
  public static void stopListening() {
    listener = null;
  }

  /** Reports {@code done} of {@code total} inner steps of the running call. */
  public static void update(String what, long done, long total) {
    Listener l = listener;
    if (l != null) {
      l.update(what, done, total);
    }
  }
}
