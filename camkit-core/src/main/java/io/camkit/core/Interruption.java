package io.camkit.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cooperative stopping of long jobs on Ctrl-C (SIGINT) and {@code kill} (SIGTERM).
 *
 * <p>The JVM answers both signals by running its shutdown hooks and then halting, whatever the
 * other threads are doing. Halting while the main thread is inside a native PyTorch or ONNX
 * Runtime call crashes the process in native code and leaves the outputs half-written. So a front
 * end calls {@link #installHook} once and wraps its work in {@link #begin} / {@link #end}; the hook
 * then only raises the {@link #requested} flag and waits (up to a grace period) until the work has
 * ended. Long loops poll {@link #check} at batch boundaries: it throws {@link Interrupted} there,
 * the caller writes what is complete (a checkpoint, a partial report marked as such) and returns,
 * and the JVM exits with the signal's status (130 or 143) only then.
 *
 * <p>Library code never installs the hook itself; a web server or test can raise the flag with
 * {@link #request} and lower it with {@link #clear}.
 */
public final class Interruption {
  private static final AtomicBoolean REQUESTED = new AtomicBoolean();
  private static final Object LOCK = new Object();
  private static boolean hookInstalled;
  private static int running;

  private Interruption() {}

  /** Raised at a batch boundary after a stop was requested; front ends exit with code 130. */
  public static final class Interrupted extends CamkitException {
    private static final long serialVersionUID = 1L;

    public Interrupted(String message) {
      super(message);
    }
  }

  /**
   * Installs, once per JVM, the shutdown hook that raises the flag and waits up to {@code grace}
   * for the work between {@link #begin} and {@link #end} to finish.
   */
  public static void installHook(Duration grace) {
    synchronized (LOCK) {
      if (hookInstalled) {
        return;
      }
      hookInstalled = true;
    }
    long graceNanos = grace.toNanos();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitIdle(graceNanos), "camkit-interrupt"));
  }

  private static void awaitIdle(long graceNanos) {
    REQUESTED.set(true);
    long deadline = System.nanoTime() + graceNanos;
    synchronized (LOCK) {
      while (running > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          LOCK.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Marks the start of work the hook must wait for. Pair with {@link #end} in a finally block. */
  public static void begin() {
    synchronized (LOCK) {
      running++;
    }
  }

  /** Marks the end of work begun with {@link #begin}; a waiting hook may then let the JVM halt. */
  public static void end() {
    synchronized (LOCK) {
      running = Math.max(0, running - 1);
      LOCK.notifyAll();
    }
  }

  /** Whether a stop was requested (a signal arrived, or {@link #request} was called). */
  public static boolean requested() {
    return REQUESTED.get();
  }

  /** Requests a stop at the next batch boundary, as a signal would. */
  public static void request() {
    REQUESTED.set(true);
  }

  /** Withdraws a request (tests, or a server that goes on after cancelling one job). */
  public static void clear() {
    REQUESTED.set(false);
  }

  /**
   * Throws {@link Interrupted} when a stop was requested; {@code what} says what was saved, for
   * example {@code "checkpoint after epoch 3, step 12 of 40 written; run again with --resume"}.
   */
  public static void check(String what) {
    if (requested()) {
      throw new Interrupted("interrupted: " + what);
    }
  }
}
