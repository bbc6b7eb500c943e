package org.tarflowlm.ui;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The UI thread of the view-model tests: callbacks queue up here and the test runs them, so view
 * models are tested without a window and without JavaFX's thread.
 */
final class UiQueue implements Executor {
  private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(100_000);

  @Override
  public void execute(Runnable r) {
    queue.add(r);
  }

  /** Whether no callback is waiting. */
  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Runs queued callbacks until the condition holds; fails after a minute. */
  void runUntil(BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      Runnable r = queue.poll(100, TimeUnit.MILLISECONDS);
      if (r != null) {
        r.run();
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for the background job");
      }
    }
  }
}
