package org.tarflowlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.ModelConfig;

class ProgressLineTest {
  @Test
  void showsTheBarTheStageTheSpeedAndTheTimeLeft() {
    TrainState state = new TrainState();
    state.step = 1200;
    // 4,800 steps of 320 characters left at 9,800 characters a second: 156.7 s
    assertEquals("[######........................] step 1200/6000 | stage 1/2 | train 2.310 bpc | 9,800 char/s | ETA 2m37s",
        ProgressLine.of(config(), state, 2.31, 9800));
  }

  private static TrainConfig config() {
    ModelConfig model = new ModelConfig(ModelConfig.TARFLOWLM, 27, 5, 1, 32, List.of(
        new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0),
        new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 16, 2, 2)), 3);
    return new TrainConfig(model, Schedule.PROGRESSIVE, List.of(3000, 3000), 10, 1e-3, 1e-4,
        10, 0.01, 1.0, 100, 64, 0, 3600, 5, 0, 0, Precision.FLOAT32);
  }

  /** Tools read these lines (python -m tarflowlm bench parses the speed): a German locale must not write 9.800. */
  @Test
  void readsTheSameInEveryLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      String line = ProgressLine.of(config(), new TrainState(), 2.31, 9800);
      assertTrue(line.contains("| train 2.310 bpc | 9,800 char/s |"), line);
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void durationsFromAnHourOnDropTheSeconds() {
    assertEquals("0m00s", ProgressLine.duration(0.4));
    assertEquals("14m02s", ProgressLine.duration(842));
    assertEquals("59m59s", ProgressLine.duration(3599));
    assertEquals("1h00m", ProgressLine.duration(3600));
    assertEquals("3h05m", ProgressLine.duration(3 * 3600 + 5 * 60 + 59));
  }
}
