package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.DiscreteLM;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.ModelConfig;

class DiscreteGeneratorTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** The cached sampler (token rows, fused linear maps, transposed keys) writes what recomputing the prefix writes. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = DataType.class, names = {"FLOAT32", "FLOAT64"})
  void cachedAndUncachedGenerationAgree(DataType type) {
    ModelConfig cfg = new ModelConfig(ModelConfig.AR_BASELINE, 27, 5, 1, 64,
        List.of(new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 2, 32, 4, 0)), 5);
    DiscreteLM model = new DiscreteLM(cfg, manager, type);
    RuntimeFixtures.perturb(model.params(), 0.5, 2); // an untrained head is uniform: every text is as likely
    DiscreteGenerator gen = new DiscreteGenerator(model, manager);
    for (String prompt : List.of("", "the state")) {
      GenerationResult cached = gen.generate(new GenerationRequest(prompt, 40, 1.0, 4, true, 1), GenerationListener.NONE, () -> false);
      GenerationResult uncached = gen.generate(new GenerationRequest(prompt, 40, 1.0, 4, false, 1), GenerationListener.NONE, () -> false);
      assertEquals(uncached.text(), cached.text(), "prompt '" + prompt + "'");
      assertTrue(cached.text().startsWith(prompt));
      assertEquals(prompt.length() + 40, cached.text().length());
    }
  }
}
