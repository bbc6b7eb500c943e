package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
  @Test
  void totalDepthCountsTheBlocksOfEveryLayer() {
    ModelConfig c = new ModelConfig(ModelConfig.TARFLOWLM, 27, 5, 1, 8, List.of(
        new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 4, 16, 2, 0),
        new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 16, 2, 2)), 1);
    assertEquals(5, c.totalDepth());
  }
}
