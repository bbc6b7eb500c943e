package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Jacobi decoding writes what sequential decoding writes, on every shipped flow model, with and without fixed text. */
class JacobiDecodingTest {
  private static List<PassResult> passes(GenerationResult g) {
    return g.passes();
  }

  private static void assertSameLatents(List<PassResult> a, List<PassResult> b, String what) {
    assertEquals(a.size(), b.size(), what + ": passes");
    for (int k = 0; k < a.size(); k++) {
      assertEquals(a.get(k).text(), b.get(k).text(), what + ": text after pass " + k);
      float[][] x = a.get(k).latents();
      float[][] y = b.get(k).latents();
      double max = 0;
      for (int i = 0; i < x.length; i++) {
        for (int c = 0; c < x[i].length; c++) {
          max = Math.max(max, Math.abs(x[i][c] - y[i][c]));
        }
      }
      assertTrue(max <= 1e-6, what + ": latents after pass " + k + " differ by " + max);
    }
  }

  @Test
  void jacobiWritesTheSequentialTextOnEveryShippedModel() throws Exception {
    List<Path> models;
    try (Stream<Path> dirs = Files.list(Path.of("models"))) {
      models = dirs.filter(d -> Files.exists(d.resolve("config.json"))).sorted().toList();
    }
    Decoding jacobi = Decoding.jacobi(0);
    int checked = 0;
    for (Path m : models) {
      try (ModelRuntime rt = ModelRuntime.open(m, "cpu")) {
        if (rt.isBaseline()) {
          continue;
        }
        for (String prompt : new String[] {"", "the president said"}) {
          GenerationRequest req = new GenerationRequest(prompt, 40, 1.0, 5, true, 4);
          GenerationResult s = rt.generate(req, GenerationListener.NONE, () -> false);
          List<SweepResult> sweeps = new ArrayList<>();
          GenerationResult j = rt.generate(req.with(jacobi), new GenerationListener() {
            @Override
            public void onSweep(SweepResult sweep) {
              sweeps.add(sweep);
            }
          }, () -> false);
          String what = rt.name() + " after \"" + prompt + "\"";
          assertEquals(s.text(), j.text(), what);
          assertSameLatents(passes(s), passes(j), what);
          assertTrue(!sweeps.isEmpty() && j.sequentialSteps() <= s.sequentialSteps(), what + ": sweeps never outnumber steps");
        }
        Template template = Template.parse("the ____ of the union is ______");
        InfillResult s = rt.infill(template, 1.0, 4, 3, GenerationListener.NONE, () -> false);
        InfillResult j = rt.infill(template, 1.0, 4, 3, jacobi, GenerationListener.NONE, () -> false);
        assertEquals(s.text(), j.text(), rt.name() + " infill");
        assertSameLatents(s.passes(), j.passes(), rt.name() + " infill");
        checked++;
      }
    }
    assertEquals(5, checked, "every shipped flow model");
  }
}
