package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tarflowlm.runtime.PassResult;

class RefinementRowsTest {
  private static PassResult pass(int iteration, int layer, String text) {
    return new PassResult(iteration, layer, text, new float[0][], 0);
  }

  @Test
  void theNoiseIsRowZeroAndEveryRowCountsItsDistanceToTheFinalText() {
    List<RefinementRows.Row> rows = RefinementRows.of("xqzv", List.of(pass(0, 2, "xbzv"), pass(0, 1, "abcd")));
    assertEquals(3, rows.size());
    assertEquals(-1, rows.get(0).pass());
    assertEquals("xqzv", rows.get(0).text());
    assertEquals(4, rows.get(0).toFinal());
    assertEquals(1, rows.get(1).changed(), "x(q->b)zv");
    assertEquals(3, rows.get(1).toFinal());
    assertEquals("xqzv", rows.get(1).previous());
    assertEquals(3, rows.get(2).changed());
    assertEquals(0, rows.get(2).toFinal());
  }

  /** "the government will": iteration 2 wrote the same two rows again, and a changes chart of 16 / 109 / 109. */
  @Test
  void anIterationThatReproducesThePreviousOneIsFoldedIntoOneLine() {
    List<PassResult> passes = List.of(pass(0, 2, "noisy"), pass(0, 1, "clean"), pass(1, 2, "noisy"),
        pass(1, 1, "clean"));
    List<RefinementRows.Row> rows = RefinementRows.of("zzzzz", passes);
    assertEquals(4, rows.size(), "noise, two passes, one folded line");
    RefinementRows.Row folded = rows.get(3);
    assertTrue(folded.folded());
    assertEquals(3, folded.pass(), "it stands for the iteration's last pass");
    assertTrue(folded.head().contains("iteration 2 reproduced iteration 1"), folded.head());
    assertEquals(0, folded.toFinal());
  }

  @Test
  void anIterationThatChangesSomethingIsShownInFull() {
    List<PassResult> passes = List.of(pass(0, 2, "noisy"), pass(0, 1, "clean"), pass(1, 2, "noisy"),
        pass(1, 1, "cleat"));
    List<RefinementRows.Row> rows = RefinementRows.of("zzzzz", passes);
    assertEquals(5, rows.size());
    assertFalse(rows.stream().anyMatch(RefinementRows.Row::folded));
    assertEquals(5, rows.get(3).changed(), "iteration 2 starts again from noise: clean -> noisy");
    assertEquals(5, rows.get(1).toFinal(), "noisy against cleat");
    assertEquals(1, rows.get(2).toFinal(), "clean against cleat");
  }

  @Test
  void noPassesAndNoNoiseGiveNoRows() {
    assertTrue(RefinementRows.of("", List.of()).isEmpty());
  }

  @Test
  void theChartNamesEveryPassAsItsRowDoes() {
    List<RefinementRows.Row> rows = RefinementRows.of("xqzv", List.of(pass(0, 2, "xbzv"), pass(0, 1, "abcd")));
    assertEquals(List.of("u", "after layer 2", "after layer 1"), rows.stream().map(RefinementRows.Row::column).toList());
    List<RefinementRows.Row> iterated = RefinementRows.of("", List.of(pass(0, 2, "ab"), pass(0, 1, "cd"), pass(1, 2, "ef"),
        pass(1, 1, "gh")));
    assertEquals(List.of("it 1, after layer 2", "it 1, after layer 1", "it 2, after layer 2", "it 2, after layer 1"),
        iterated.stream().map(RefinementRows.Row::column).toList());
  }
}
