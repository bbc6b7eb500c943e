package org.tarflowlm.train;

import java.util.Locale;

/**
 * The line a training run prints every few steps and at every validation:
 * {@code [#####.....] step 1200/6000 | stage 1/2 | train 2.310 bpc | 9,800 char/s | ETA 14m02s}.
 */
final class ProgressLine {
  /** Characters of the bar. */
  private static final int WIDTH = 30;

  private ProgressLine() {}

  /** The ETA assumes the rest of the run trains at {@code charsPerSecond}. */
  static String of(TrainConfig config, TrainState state, double trainBpc, double charsPerSecond) {
    int total = config.totalSteps();
    int bar = Math.min(WIDTH, (int) (WIDTH * (double) state.step / total));
    double eta = (total - state.step) * config.batch() * (double) config.model().seqLen() / Math.max(1, charsPerSecond);
    return String.format(Locale.ROOT, "[%s%s] step %d/%d | stage %d/%d | train %.3f bpc | %,.0f char/s | ETA %s",
        "#".repeat(bar), ".".repeat(WIDTH - bar), state.step, total, state.stage + 1, config.stages(), trainBpc,
        charsPerSecond, duration(eta));
  }

  /** {@code 14m02s}, or {@code 3h05m} from an hour on. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
