package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.TarFlowLM;

class RunFilesTest {
  @Test
  void savedRunOpensToTheSameNumbers(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(2, 16, Direction.RIGHT_TO_LEFT), m);
      ModelRuntime rt = ModelRuntime.of(model, m, "tiny");
      GenerationRequest req = GenerationRequest.of("hi", 8, 0.8, 5);
      Run run = Runs.generate(rt, req, null, null, GenerationListener.NONE, () -> false);
      Path file = dir.resolve("run.json");
      RunFiles.save(run, file);
      Run back = RunFiles.load(file);
      assertEquals("tiny", back.model());
      assertEquals(run.text(), back.text());
      assertEquals(run.chars(), back.chars());
      assertEquals(run.bitsPerChar(), back.bitsPerChar());
      assertEquals(req, back.generation().request());
      assertEquals(run.generation().passes().size(), back.generation().passes().size());
      assertEquals(run.generation().passes().get(2).text(), back.generation().passes().get(2).text());
      assertEquals(run.generation().writes(), back.generation().writes());
      assertEquals(run.generation().layout().text(), back.generation().layout().text());
      assertArrayEquals(run.generation().layout().fixed(), back.generation().layout().fixed());
      assertEquals(run.generation().noise(), back.generation().noise());
      assertArrayEquals(run.generation().rightToLeft(), back.generation().rightToLeft());
      assertArrayEquals(run.roundTrip(), back.roundTrip());
      ForwardTrace trace = run.trace();
      assertArrayEquals(trace.totalBits(), back.trace().totalBits());
      assertArrayEquals(trace.states().get(2).latents()[3], back.trace().states().get(2).latents()[3]);
      assertArrayEquals(trace.states().get(1).logDet(), back.trace().states().get(1).logDet());
      assertEquals(trace.bitsPerChar(), back.trace().bitsPerChar());
    }
  }

  /** A file of the format before one run value: refused in words that say what to do, not as a corrupt file. */
  @Test
  void aRunFileOfTheEarlierFormatIsRefusedInWords(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("old.json");
    Files.writeString(file, "{\"format\": \"tarflowlm-run/2\", \"model\": \"mixd-p2\", \"generate\": null}");
    IOException e = assertThrows(IOException.class, () -> RunFiles.load(file));
    assertEquals("old.json was saved by an earlier version of the explorer (tarflowlm-run/2); this version opens "
        + "tarflowlm-run/3 files: generate or trace the run again and save it", e.getMessage());
  }

  @Test
  void corruptRunFilesAreRefused(@TempDir Path dir) throws Exception {
    Path notJson = dir.resolve("a.json");
    Files.writeString(notJson, "{ this is not json");
    IOException e1 = assertThrows(IOException.class, () -> RunFiles.load(notJson));
    assertTrue(e1.getMessage().contains("not a run file"), e1.getMessage());
    Path array = dir.resolve("d.json");
    Files.writeString(array, "[1, 2]");
    IOException e4 = assertThrows(IOException.class, () -> RunFiles.load(array));
    assertEquals("d.json is not a run file: its JSON does not have the shape of a run (line 1, column 2)", e4.getMessage());
    Path badNumber = dir.resolve("e.json");
    Files.writeString(badNumber, "{\"format\": \"" + RunFiles.FORMAT + "\", \"run\": {\"roundTrip\": [-]}}");
    IOException e5 = assertThrows(IOException.class, () -> RunFiles.load(badNumber));
    assertTrue(e5.getMessage().startsWith("e.json is not a run file: a number in it is malformed"), e5.getMessage());
    Path otherFormat = dir.resolve("b.json");
    Files.writeString(otherFormat, "{\"format\": \"something-else\"}");
    assertThrows(IOException.class, () -> RunFiles.load(otherFormat));
    Path truncated = dir.resolve("c.json");
    Files.writeString(truncated, "{\"format\": \"" + RunFiles.FORMAT + "\", \"run\": " + run("abc",
        "\"trace\": {\"scored\": \"abc\", \"states\": [], \"totalBits\": [1, 2, 3]}") + "}");
    IOException e3 = assertThrows(IOException.class, () -> RunFiles.load(truncated));
    assertTrue(e3.getMessage().contains("incomplete trace"), e3.getMessage());
  }

  /** A run of {@code text} (each character 1 bit) with the fields given, as JSON. */
  private static String run(String text, String fields) {
    StringBuilder chars = new StringBuilder();
    for (char c : text.toCharArray()) {
      chars.append(chars.length() == 0 ? "" : ", ").append("{\"ch\": \"").append(c).append("\", \"bits\": 1}");
    }
    return "{\"model\": \"tiny\", \"text\": \"" + text + "\", \"chars\": [" + chars + "]"
        + (fields.isEmpty() ? "" : ", " + fields) + "}";
  }

  @Test
  void aGenerationWhoseSettingsTheRequestRefusesIsNotARunFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("zero.json");
    Files.writeString(file, "{\"format\": \"" + RunFiles.FORMAT + "\", \"run\": " + run("a", "\"generation\": "
        + "{\"request\": {\"prompt\": \"a\", \"length\": 0, \"temperature\": 1, \"seed\": 1, \"maxIterations\": 8}}")
        + "}");
    IOException e = assertThrows(IOException.class, () -> RunFiles.load(file));
    assertEquals("zero.json is not a run file: a value in it is out of range: length must be at least 1 character, got 0",
        e.getMessage());
  }

  @Test
  void aRunWhoseCharactersAreNotItsTextIsNotARunFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("chars.json");
    Files.writeString(file, "{\"format\": \"" + RunFiles.FORMAT + "\", \"run\": "
        + run("ab", "").replace("\"text\": \"ab\"", "\"text\": \"abc\"") + "}");
    IOException e = assertThrows(IOException.class, () -> RunFiles.load(file));
    assertEquals("chars.json is not a run file: a value in it is out of range: a run needs its model, its text and one "
        + "scored character per character", e.getMessage());
  }

  @Test
  void aGenerationOrTraceMissingWhatTheViewsRestoreIsIncomplete(@TempDir Path dir) throws Exception {
    String request = "\"request\": {\"prompt\": \"a\", \"length\": 2, \"temperature\": 1, \"seed\": 1, \"maxIterations\": 8}";
    String layout = "\"layout\": {\"text\": \"a\", \"fixed\": [true]}";
    String result = "\"result\": {\"passes\": %s}";
    for (String generation : List.of("{" + layout + ", " + String.format(result, "[]") + "}",
        "{" + request + ", " + String.format(result, "[]") + "}",
        "{" + request + ", " + layout + "}",
        "{" + request + ", " + layout + ", " + String.format(result, "[null]") + "}",
        "{" + request + ", " + layout + ", " + String.format(result, "[{\"layer\": 1}]") + "}")) {
      Path file = dir.resolve("g.json");
      Files.writeString(file, "{\"format\": \"" + RunFiles.FORMAT + "\", \"run\": "
          + run("a", "\"generation\": " + generation) + "}");
      IOException e = assertThrows(IOException.class, () -> RunFiles.load(file), generation);
      assertEquals("g.json holds an incomplete generation (no settings, no layout, or a pass missing)", e.getMessage());
    }
    Path noText = dir.resolve("t.json");
    Files.writeString(noText, "{\"format\": \"" + RunFiles.FORMAT + "\", \"run\": " + run("a", "\"trace\": "
        + "{\"scored\": \"a\", \"totalBits\": [1], \"states\": [{\"latents\": [[0]], \"decoded\": \"a\"}]}") + "}");
    IOException e = assertThrows(IOException.class, () -> RunFiles.load(noText));
    assertTrue(e.getMessage().contains("incomplete trace"), e.getMessage());
  }

  /** The views index every array of a trace by character and layer: a shortened one would throw in a view. */
  @Test
  void aTraceWhoseArraysDoNotMatchItsTextIsIncomplete(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(1, 16, Direction.RIGHT_TO_LEFT), m);
      ForwardTrace t = new Tracer(model, m, "tiny").trace("hello world", 4);
      assertEquals(null, RunFiles.problem(t), "a trace as the tracer makes it is complete");
      ForwardTrace shortBits = new ForwardTrace(t.model(), t.text(), t.scored(), t.seed(), t.patchSize(), t.states(),
          java.util.Arrays.copyOf(t.decoderBits(), 3), t.layerBits(), t.baseBits(), t.totalBits(), t.bitsPerChar(),
          t.nextCharProbs());
      Path file = dir.resolve("short.json");
      RunFiles.save(new Run("tiny", "{}", "", List.of(), 1, Double.NaN, null, shortBits, null, ""), file);
      IOException e = assertThrows(IOException.class, () -> RunFiles.load(file));
      assertEquals("short.json holds an incomplete trace: its bits do not have one entry per character and layer",
          e.getMessage());
      List<LayerTrace> states = new ArrayList<>(t.states());
      LayerTrace s1 = states.get(1);
      states.set(1, new LayerTrace(s1.index(), s1.label(), s1.latents(), s1.decoded(), s1.confidence(), s1.logDet(),
          java.util.Arrays.copyOf(s1.input(), 2), s1.output(), s1.params()));
      ForwardTrace shortInput = new ForwardTrace(t.model(), t.text(), t.scored(), t.seed(), t.patchSize(), states,
          t.decoderBits(), t.layerBits(), t.baseBits(), t.totalBits(), t.bitsPerChar(), t.nextCharProbs());
      assertTrue(RunFiles.problem(shortInput).startsWith("a layer's arrays"), RunFiles.problem(shortInput));
    }
  }

  @Test
  void aFileLargerThanAnyRunIsRefusedWithoutReadingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("huge.json");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: reading it would take 3 GiB
    }
    IOException e = assertThrows(IOException.class, () -> RunFiles.load(file));
    assertEquals("huge.json is not a run file: it is 3221225472 bytes, more than the 268435456 a run file may have",
        e.getMessage());
  }
}
