package org.tarflowlm.model;

import static org.tarflowlm.model.ModelFixtures.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ScratchDiagTest {
  @Test
  void diag() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (double noise : new double[] {0.3})
      for (Object[] cs : ModelFixtures.cases(1, 2, 4)) {
        CouplingType coupling = (CouplingType) cs[0];
        Direction direction = (Direction) cs[1];
        int patch = (int) cs[2];
        TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, 8), m);
        ModelFixtures.perturb(model.params(), noise, 100 + patch);
        FlowLayer layer = model.layers().get(0);
        NDArray x = ModelFixtures.layerInput(model, coupling, m, 2, 5);
        CouplingResult r = layer.forward(x, true);
        double[][][] xs = host(x);
        double[][][] h = host(r.h());
        double[][][] b1 = invert(layer, h, true, m);
        CouplingResult r2 = layer.forward(device(m, b1, DataType.FLOAT32), true);
        double[][][] h2 = host(r2.h());
        double[][][] ld = host(r.logDet());
        double minLd = 1e9;
        for (double[][] a : ld) for (double[] b : a) for (double v : b) minLd = Math.min(minLd, v);
        System.out.printf("%s %s P=%d fwd err=%.3g backward err |h(x')-h|=%.3g  min logDet=%.2f%n",
            coupling, direction, patch, maxAbsDiff(xs, b1), maxAbsDiff(h, h2), minLd);
      }
    }
  }
}
