package org.tarflowlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  private static final LearningRateSchedule SCHEDULE = new LearningRateSchedule(1e-3, 1e-4, 10);

  @Test
  void warmUpRampsLinearlyToThePeak() {
    assertEquals(1e-4, SCHEDULE.at(0, 110, 1), 1e-15);
    assertEquals(5e-4, SCHEDULE.at(4, 110, 1), 1e-15);
    assertEquals(1e-3, SCHEDULE.at(9, 110, 1), 1e-15, "the last warm-up step reaches the peak");
  }

  @Test
  void thePeakFollowsWarmUpAndTheRateFallsToTheFloor() {
    assertEquals(1e-3, SCHEDULE.at(10, 110, 1), 1e-15);
    assertEquals((1e-3 + 1e-4) / 2, SCHEDULE.at(60, 110, 1), 1e-15, "half way down the cosine");
    assertEquals(1e-4, SCHEDULE.at(110, 110, 1), 1e-15);
    assertEquals(1e-4, SCHEDULE.at(500, 110, 1), 1e-15, "past the budget it stays at the floor");
    for (int s = 11; s <= 110; s++) {
      assertTrue(SCHEDULE.at(s, 110, 1) < SCHEDULE.at(s - 1, 110, 1), "decreasing at step " + s);
    }
  }

  @Test
  void theScaleMultipliesPeakAndFloor() {
    for (int s : new int[] {0, 5, 10, 60, 110}) {
      assertEquals(SCHEDULE.at(s, 110, 1) / 2, SCHEDULE.at(s, 110, 0.5), 1e-15, "step " + s);
    }
  }

  @Test
  void noWarmUpStartsAtThePeak() {
    assertEquals(1e-3, new LearningRateSchedule(1e-3, 1e-4, 0).at(0, 100, 1), 1e-15);
  }
}
