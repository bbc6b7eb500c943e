package org.tarflowlm.ui;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs model calls off the JavaFX thread, one at a time (the engine serves one call at a time),
 * and hands their results, errors and cancellations back on the UI's executor.
 */
public final class ModelWorker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ModelWorker.class.getName());

  /** A background job that can be asked to stop. */
  public interface Job<T> {
    T run(BooleanSupplier cancelled) throws Exception;
  }

  /** A running job: {@link #cancel()} makes its next cancellation check throw. */
  public static final class Handle {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
      cancelled.set(true);
    }

    public boolean isCancelled() {
      return cancelled.get();
    }
  }

  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "model-worker");
    t.setDaemon(true);
    return t;
  });
  private final java.util.concurrent.Executor ui;

  /** @param ui where results are delivered: {@code Platform::runLater} in the app, direct in tests */
  public ModelWorker(java.util.concurrent.Executor ui) {
    this.ui = ui;
  }

  /**
   * Submits a job. Exactly one of the callbacks runs on the UI executor: {@code done} with the
   * result, {@code stopped} after a cancel, or {@code failed} with a message fit for the user (the
   * cause is logged, never shown as a stack trace).
   */
  public <T> Handle submit(Job<T> job, Consumer<T> done, Runnable stopped, Consumer<String> failed) {
    Handle handle = new Handle();
    executor.execute(() -> {
      try {
        T result = job.run(handle::isCancelled);
        ui.execute(() -> done.accept(result));
      } catch (CancellationException e) {
        ui.execute(stopped);
      } catch (Exception | Error e) {
        LOG.log(Level.WARNING, "background job failed", e);
        ui.execute(() -> failed.accept(message(e)));
      }
    });
    return handle;
  }

  /** A one-line message for the user: the exception's own message, or its kind. */
  static String message(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
