package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tarflowlm.runtime.Run;

class CurrentRunTest {
  private static Run run(String model, String text) {
    List<Run.ScoredChar> chars = new ArrayList<>();
    for (char c : text.toCharArray()) {
      chars.add(new Run.ScoredChar(c, 1, false, List.of()));
    }
    return new Run(model, "", text, chars, 1, Double.NaN, null, null, null, "");
  }

  /** A slow generation that ended after a text traced later replaced the traced text in every view. */
  @Test
  void aRunOfAnEarlierJobNeverReplacesTheRunOfALaterOne() {
    CurrentRun current = new CurrentRun();
    long generation = current.begin();
    long trace = current.begin();
    Run traced = run("m", "abc");
    assertTrue(current.publish(trace, traced));
    assertFalse(current.publish(generation, run("m", "xyz")));
    assertSame(traced, current.get());
    assertTrue(current.publish(current.begin(), run("m", "def")), "a job started after it is shown");
  }

  @Test
  void anOpenedRunIsNotReplacedByAJobThatStartedBeforeIt() {
    CurrentRun current = new CurrentRun();
    long running = current.begin();
    Run saved = run("other", "abc");
    current.replay(saved, "saved.json");
    assertFalse(current.publish(running, run("m", "xyz")));
    assertSame(saved, current.get());
    assertEquals("saved.json", current.replayOfProperty().get());
    assertTrue(current.captionProperty().get().endsWith("replayed from saved.json"), current.captionProperty().get());
  }

  @Test
  void theSelectionStaysOnlyWhereTheNextRunHasTheSameCharactersUpToIt() {
    CurrentRun current = new CurrentRun();
    current.publish(current.begin(), run("p4", "abcde   "));
    current.selection().characterProperty().set(3);
    current.clear(); // a model switch: the run is gone until its text is traced again
    assertEquals(3, current.selection().characterProperty().get());
    current.publish(current.begin(), run("p1", "abcde"));
    assertEquals(3, current.selection().characterProperty().get(), "the same text traced again");
    current.publish(current.begin(), run("p4", "abcde   "));
    current.selection().characterProperty().set(6);
    current.publish(current.begin(), run("p1", "abcde"));
    assertEquals(-1, current.selection().characterProperty().get(), "padding the new model does not have");
    current.selection().characterProperty().set(4);
    current.publish(current.begin(), run("p1", "abcxe"));
    assertEquals(-1, current.selection().characterProperty().get(), "another text");
  }
}
