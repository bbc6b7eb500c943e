package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.Params;
import org.tarflowlm.model.TarFlowLM;

/** Small models with parameters moved away from their (often trivial) initial values. */
public final class RuntimeFixtures {
  private RuntimeFixtures() {}

  static ModelConfig config(int patch, int seqLen, Direction second) {
    return new ModelConfig(ModelConfig.TARFLOWLM, 27, 5, patch, seqLen, List.of(
        new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0),
        new LayerConfig(CouplingType.MIX1, second, 1, 16, 2, 2),
        new LayerConfig(CouplingType.AFFINE, Direction.LEFT_TO_RIGHT, 1, 16, 2, 0)), 5);
  }

  static TarFlowLM model(ModelConfig config, NDManager manager) {
    return model(config, manager, ai.djl.ndarray.types.DataType.FLOAT32);
  }

  static TarFlowLM model(ModelConfig config, NDManager manager, ai.djl.ndarray.types.DataType type) {
    TarFlowLM model = new TarFlowLM(config, manager, type);
    perturb(model.params(), 0.2, 17);
    return model;
  }

  public static void perturb(Params params, double std, long seed) {
    Random random = new Random(seed);
    params.all().forEach((name, a) -> {
      float[] noise = new float[(int) a.getShape().size()];
      for (int i = 0; i < noise.length; i++) {
        noise[i] = (float) (random.nextGaussian() * std);
      }
      try (NDArray n = params.manager().create(noise, a.getShape())) {
        a.addi(n);
      }
    });
  }
}
