package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LayerConfigTest {
  @Test
  void summaryNamesCouplingDirectionShapeAndInput() {
    LayerConfig first = new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 4, 128, 4, 0, LayerInput.POSTERIOR);
    LayerConfig second = new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 64, 2, 2);
    assertEquals("mixd, left to right, 4 blocks, width 128, 4 heads, reads p(k | z)", first.summary());
    assertEquals("mix1, right to left, 1 block, width 64, 2 heads, K = 2", second.summary());
  }

  @Test
  void absentInputMeansLatent() {
    LayerConfig l = new LayerConfig(CouplingType.AFFINE, Direction.LEFT_TO_RIGHT, 1, 8, 2, 0, null);
    assertEquals(LayerInput.LATENT, l.input());
  }

  @Test
  void widthMustDivideByHeads() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LayerConfig(CouplingType.AFFINE, Direction.LEFT_TO_RIGHT, 1, 10, 3, 0));
    assertEquals("layer needs depth >= 1 and a width divisible by heads, got depth 1, width 10, heads 3", e.getMessage());
  }
}
