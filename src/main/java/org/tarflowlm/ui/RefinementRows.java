package org.tarflowlm.ui;

import java.util.ArrayList;
import java.util.List;
import org.tarflowlm.runtime.PassResult;
import org.tarflowlm.runtime.SweepResult;

/**
 * The rows the refinement view draws, from a generation's starting noise and its passes: row 0 is
 * the noise as it stands, then one row per pass, except that a conditioning iteration whose every
 * pass reproduces the previous iteration's text is folded into one line that says so.
 */
final class RefinementRows {
  private RefinementRows() {}

  /**
   * One row.
   *
   * @param pass the pass it shows (index into the passes), -1 for the noise; for a folded iteration its last pass
   * @param head the line above the text
   * @param text the text after it (empty for a folded iteration)
   * @param previous the text of the row above, to mark what changed; null for the first row
   * @param folded whether it stands for a whole iteration that repeated the one before
   * @param changed characters that differ from the row above (0 for the noise; all of them for a first row)
   * @param toFinal characters that still differ from the final text
   * @param column its name on the changes chart, in the head's words: "u", "after layer 2", and with
   *     more than one iteration "it 2, after layer 2" (the chart's "1, 2" read against the heads' layers)
   * @param sweep for a Jacobi sweep's row, its number in the pass (from 1); 0 for a pass or the noise
   * @param settled for a sweep's row, which characters are final after it; null otherwise
   */
  record Row(int pass, String head, String text, String previous, boolean folded, int changed, int toFinal,
      String column, int sweep, boolean[] settled) {
    /** Characters not yet final after a sweep. */
    int unsettled() {
      int n = 0;
      for (boolean s : settled) {
        n += s ? 0 : 1;
      }
      return n;
    }
  }

  static List<Row> of(String noise, List<PassResult> passes) {
    return of(noise, passes, java.util.Map.of(), layer -> false);
  }

  /**
   * The rows of a Jacobi generation: before each pass's row, a row per sweep of that pass, the whole
   * text as it read after the sweep, with the characters it settled (counted from where the layer
   * starts: the right end for a layer that runs right to left).
   *
   * @param sweeps each pass's sweeps, by index into the passes
   * @param rightToLeft whether a layer (1-based) runs right to left
   */
  static List<Row> of(String noise, List<PassResult> passes, java.util.Map<Integer, List<SweepResult>> sweeps,
      java.util.function.IntPredicate rightToLeft) {
    List<Row> rows = new ArrayList<>();
    if (passes.isEmpty() && (noise == null || noise.isEmpty())) {
      return rows;
    }
    String last = passes.isEmpty() ? noise : passes.get(passes.size() - 1).text();
    String previous = null;
    if (noise != null && !noise.isEmpty()) {
      rows.add(new Row(-1, "start: the noise u, read as it stands", noise, null, false, 0,
          PassResult.differences(noise, last), "u", 0, null));
      previous = noise;
    }
    int iterations = passes.isEmpty() ? 0 : passes.get(passes.size() - 1).iteration() + 1;
    int i = 0;
    while (i < passes.size()) {
      int it = passes.get(i).iteration();
      int end = i;
      while (end < passes.size() && passes.get(end).iteration() == it) {
        end++;
      }
      if (repeats(passes, i, end)) {
        rows.add(new Row(end - 1, String.format("iteration %d reproduced iteration %d pass for pass (%d %s, folded)",
            it + 1, it, end - i, end - i == 1 ? "pass" : "passes"), "", previous, true, 0,
            PassResult.differences(passes.get(end - 1).text(), last), "it " + (it + 1) + ", folded", 0, null));
      } else {
        for (int j = i; j < end; j++) {
          PassResult p = passes.get(j);
          for (SweepResult s : sweeps.getOrDefault(j, List.of())) {
            int n = s.text().length();
            boolean[] settled = new boolean[n];
            int from = rightToLeft.test(s.layer()) ? Math.max(0, n - s.settled()) : 0;
            java.util.Arrays.fill(settled, from, Math.min(n, from + s.settled()), true);
            rows.add(new Row(j, String.format("iteration %d, layer %d, Jacobi sweep %d", it + 1, s.layer(), s.sweep()),
                s.text(), previous, false, PassResult.differences(previous == null ? "" : previous, s.text()),
                PassResult.differences(s.text(), last),
                (iterations > 1 ? "it " + (it + 1) + ", " : "") + "L" + s.layer() + " s" + s.sweep(), s.sweep(), settled));
            previous = s.text();
          }
          rows.add(new Row(j, String.format("iteration %d, after layer %d", it + 1, p.layer()), p.text(), previous,
              false, PassResult.differences(previous == null ? "" : previous, p.text()),
              PassResult.differences(p.text(), last),
              (iterations > 1 ? "it " + (it + 1) + ", " : "") + "after layer " + p.layer(), 0, null));
          previous = p.text();
        }
      }
      i = end;
    }
    return rows;
  }

  /** Whether passes [from, to) of one iteration read exactly as the same passes of the iteration before. */
  private static boolean repeats(List<PassResult> passes, int from, int to) {
    int it = passes.get(from).iteration();
    if (it == 0) {
      return false;
    }
    int start = from;
    while (start > 0 && passes.get(start - 1).iteration() == it - 1) {
      start--;
    }
    if (from - start < to - from) {
      return false;
    }
    for (int j = 0; j < to - from; j++) {
      if (!passes.get(start + j).text().equals(passes.get(from + j).text())) {
        return false;
      }
    }
    return true;
  }
}
