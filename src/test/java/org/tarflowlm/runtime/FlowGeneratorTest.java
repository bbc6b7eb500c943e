package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.FlowForward;
import org.tarflowlm.model.TarFlowLM;

class FlowGeneratorTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(value = ai.djl.ndarray.types.DataType.class, names = {"FLOAT32", "FLOAT64"})
  void cachedAndUncachedGenerationAgree(ai.djl.ndarray.types.DataType type) {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(2, 16, Direction.RIGHT_TO_LEFT), manager, type);
    FlowGenerator gen = new FlowGenerator(model, manager);
    GenerationResult cached = gen.generate(new GenerationRequest("", 14, 1.0, 3, true, 1), GenerationListener.NONE, () -> false);
    GenerationResult uncached = gen.generate(new GenerationRequest("", 14, 1.0, 3, false, 1), GenerationListener.NONE, () -> false);
    assertEquals(cached.text(), uncached.text());
    // The cache computes a context from one new row, the recomputation from the whole prefix: different
    // kernels, which differ by a few ulps and, through three layers, reach 4e-5 on a float32 tail latent of
    // -8.4 (seen on a loaded machine). The bound is relative; a cache bug moves values by far more. In float64
    // they agree to about 1e-12, and the passes store float32 latents: a rounding boundary is 6e-8 apart.
    double tolerance = type == ai.djl.ndarray.types.DataType.FLOAT64 ? 1e-6 : 1e-4;
    for (int p = 0; p < cached.passes().size(); p++) {
      float[][] a = cached.passes().get(p).latents();
      float[][] b = uncached.passes().get(p).latents();
      for (int t = 0; t < a.length; t++) {
        for (int i = 0; i < a[t].length; i++) {
          assertEquals(a[t][i], b[t][i], tolerance * Math.max(1, Math.abs(a[t][i])),
              "pass " + p + ", char " + t + ", channel " + i);
        }
      }
    }
  }

  @Test
  void everyPassIsHeardPositionByPositionInItsDirection() {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(2, 16, Direction.RIGHT_TO_LEFT), manager);
    List<String> steps = new ArrayList<>();
    List<PassResult> passes = new ArrayList<>();
    GenerationListener listener = new GenerationListener() {
      @Override
      public void onStep(int iteration, int layer, int step, int position, String chars) {
        steps.add(layer + ":" + position);
        assertEquals(2, chars.length(), "a step writes one patch of P characters");
      }

      @Override
      public void onPass(PassResult pass) {
        passes.add(pass);
      }
    };
    GenerationResult r = new FlowGenerator(model, manager).generate(GenerationRequest.of("", 16, 1.0, 1), listener, () -> false);
    assertEquals(3 * 8, steps.size(), "8 positions in each of 3 passes");
    assertEquals(List.of(3, 2, 1), passes.stream().map(PassResult::layer).toList(), "passes run from the last layer down");
    assertEquals("3:0", steps.get(0), "layer 3 runs left to right");
    assertEquals("2:14", steps.get(8), "layer 2 runs right to left, so it starts at the last patch");
    assertEquals(r.text(), passes.get(2).text());
    assertEquals(24, r.sequentialSteps());
  }

  @Test
  void promptIsExactAfterOneIterationWhenEveryLayerRunsLeftToRight() {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(1, 24, Direction.LEFT_TO_RIGHT), manager);
    GenerationResult r = new FlowGenerator(model, manager)
        .generate(GenerationRequest.of("the cat", 12, 1.0, 9), GenerationListener.NONE, () -> false);
    assertTrue(r.converged());
    assertEquals(1, r.iterations(), "a second iteration would reproduce the first");
    assertTrue(r.text().startsWith("the cat"), r.text());
    // Why one is enough: every layer's input at the prompt positions is the same for the final z as
    // for the starting one (the prompt's means, zeros after), so the values kept were already exact.
    float[][] tokens = r.passes().get(r.passes().size() - 1).latents(); // [T][d]
    float[] last = new float[tokens.length * 5];
    float[] start = new float[tokens.length * 5];
    for (int i = 0; i < tokens.length; i++) {
      System.arraycopy(tokens[i], 0, last, i * 5, 5);
      if (i < 7) {
        System.arraycopy(tokens[i], 0, start, i * 5, 5);
      }
    }
    FlowForward fLast = model.forward(manager.create(last, new Shape(1, tokens.length, 5)));
    FlowForward fStart = model.forward(manager.create(start, new Shape(1, tokens.length, 5)));
    for (int l = 0; l < model.layers().size(); l++) {
      float[] a = fLast.inputs().get(l).get(":, :7").toFloatArray();
      float[] b = fStart.inputs().get(l).get(":, :7").toFloatArray();
      assertArrayEquals(b, a, 2e-4f, "layer " + (l + 1) + "'s input at the prompt");
    }
  }

  @Test
  void infillNeverChangesAFixedCharacter() {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(1, 32, Direction.RIGHT_TO_LEFT), manager);
    Template template = Template.parse("the ____ sat on the ___ mat");
    InfillResult r = new FlowGenerator(model, manager).infill(template, 1.0, 3, 6, GenerationListener.NONE, () -> false);
    assertEquals(template.length(), r.text().length());
    for (int i = 0; i < template.length(); i++) {
      if (template.fixed()[i]) {
        assertEquals(template.text().charAt(i), r.text().charAt(i), "fixed character " + i + " of " + r.text());
      }
    }
    assertTrue(r.iterations() >= 2, "blanks before fixed text need the conditioning iterations");
  }

  @Test
  void templateWithItsBlanksAtTheEndIsThePrompt() {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(1, 24, Direction.LEFT_TO_RIGHT), manager);
    FlowGenerator g = new FlowGenerator(model, manager);
    GenerationResult prompted = g.generate(GenerationRequest.of("the cat", 12, 1.0, 9), GenerationListener.NONE, () -> false);
    InfillResult filled = g.infill(Template.parse("the cat" + "_".repeat(12)), 1.0, 9, 8, GenerationListener.NONE, () -> false);
    assertEquals(prompted.text(), filled.text());
    assertEquals(prompted.iterations(), filled.iterations());
  }

  @Test
  void promptConditioningSettlesWithRightToLeftLayers() {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(1, 24, Direction.RIGHT_TO_LEFT), manager);
    GenerationResult r = new FlowGenerator(model, manager)
        .generate(new GenerationRequest("a dog", 10, 0.7, 4, true, 6), GenerationListener.NONE, () -> false);
    assertTrue(r.text().startsWith("a dog"), r.text());
    assertEquals(10, r.continuation().length());
    assertTrue(r.iterations() >= 1 && r.iterations() <= 6);
  }

  @Test
  void cancelledGenerationStops() {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(1, 16, Direction.RIGHT_TO_LEFT), manager);
    AtomicInteger steps = new AtomicInteger();
    GenerationListener listener = new GenerationListener() {
      @Override
      public void onStep(int iteration, int layer, int step, int position, String chars) {
        steps.incrementAndGet();
      }
    };
    assertThrows(CancellationException.class, () -> new FlowGenerator(model, manager)
        .generate(GenerationRequest.of("", 16, 1.0, 1), listener, () -> steps.get() >= 5));
    assertEquals(5, steps.get(), "no step runs after the cancel");
  }

  @Test
  void promptAndLengthBeyondTheContextAreRefused() {
    TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(1, 16, Direction.RIGHT_TO_LEFT), manager);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FlowGenerator(model, manager)
        .generate(GenerationRequest.of("a long prompt", 10, 1.0, 1), GenerationListener.NONE, () -> false));
    assertTrue(e.getMessage().contains("context of 16"), e.getMessage());
  }

  @Test
  void badRequestsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> GenerationRequest.of("", 0, 1.0, 1));
    assertThrows(IllegalArgumentException.class, () -> GenerationRequest.of("", 5, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> GenerationRequest.of("", 5, Double.NaN, 1));
  }
}
