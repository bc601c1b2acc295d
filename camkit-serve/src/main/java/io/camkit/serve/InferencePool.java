package io.camkit.serve;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of inference threads with a bounded waiting line: a task that finds every worker
 * busy and the line full is refused at once ({@link ApiError} 503 with {@code Retry-After}), so
 * load never piles up without bound; a task not finished within the time limit is abandoned
 * (503; its worker is interrupted, and a native forward pass already running finishes before the
 * worker takes the next task).
 */
public final class InferencePool implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final Duration timeLimit;

  /**
   * @param workers threads that run tasks
   * @param queue tasks that may wait; 0 for none
   * @param timeLimit the longest a caller waits for one task, waiting in line included
   */
  public InferencePool(int workers, int queue, Duration timeLimit) {
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
        queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue), r -> {
          Thread t = new Thread(r, "camkit-inference-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.timeLimit = timeLimit;
  }

  /** Runs {@code task} on a worker and waits for it (see the class comment for the limits). */
  public <T> T run(Callable<T> task) {
    Future<T> f;
    try {
      f = executor.submit(task);
    } catch (RejectedExecutionException e) {
      throw new ApiError(503, "the server is busy: " + executor.getActiveCount() + " request(s) running and "
          + executor.getQueue().size() + " waiting; try again shortly", 1);
    }
    try {
      return f.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      if (f instanceof Runnable r) {
        executor.remove(r); // a cancelled task still waiting would hold its place in line
      }
      throw new ApiError(503, "the request took longer than the server's limit of " + timeLimit.toMillis()
          + " ms and was abandoned", 5);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new ApiError(503, "the server is stopping", 5);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  /** Tasks running now. */
  public int active() {
    return executor.getActiveCount();
  }

  /** Tasks waiting for a worker. */
  public int waiting() {
    return executor.getQueue().size();
  }

  /** The pool itself, for tests that occupy its workers. */
  ThreadPoolExecutor executor() {
    return executor;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
