package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.TarFlowLM;

class InterpolationTest {
  @Test
  void pathStartsAtTheFirstTextAndEndsAtTheSecond() {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(2, 16, Direction.RIGHT_TO_LEFT), m);
      ModelRuntime rt = ModelRuntime.of(model, m, "tiny");
      Interpolation path = rt.interpolate("good morning", "bad night", 4, 3, () -> false);
      assertEquals(5, path.texts().size());
      assertEquals(0.5, path.alphas()[2]);
      // the endpoints invert the forward run, so they decode to what each z decodes to
      assertEquals(rt.trace("good morning", 3).states().get(0).decoded().substring(0, 12), path.texts().get(0));
      assertEquals(rt.trace("bad night", 3).states().get(0).decoded().substring(0, 9), path.texts().get(4).substring(0, 9));
      assertEquals("bad night   ", path.to());
    }
  }

  @Test
  void zeroStepsAreRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = RuntimeFixtures.model(RuntimeFixtures.config(1, 16, Direction.RIGHT_TO_LEFT), m);
      ModelRuntime rt = ModelRuntime.of(model, m, "tiny");
      assertThrows(IllegalArgumentException.class, () -> rt.interpolate("a", "b", 0, 1, () -> false));
    }
  }
}
