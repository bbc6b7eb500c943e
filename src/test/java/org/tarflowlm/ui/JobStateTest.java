package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStateTest {
  private final UiQueue ui = new UiQueue();
  private final ModelWorker worker = new ModelWorker(ui);

  @AfterEach
  void close() {
    worker.close();
  }

  /** A job that finished its last step as Stop was pressed delivered its result all the same. */
  @Test
  void aJobStoppedAfterItsLastCheckDeliversNothing(@TempDir Path models) throws Exception {
    JobState job = new JobState(new AppViewModel(worker, models, "cpu"));
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean delivered = new AtomicBoolean();
    AtomicBoolean heardStop = new AtomicBoolean();
    job.start(null, cancelled -> {
      stopped.await(); // past its last cancellation check
      return "a result";
    }, r -> delivered.set(true), () -> heardStop.set(true));
    job.stop();
    stopped.countDown();
    ui.runUntil(() -> !job.runningProperty().get());
    assertFalse(delivered.get(), "the stopped job's result was shown");
    assertEquals(true, heardStop.get());
  }
}
