package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarflowlm.model.ModelFixtures.host;
import static org.tarflowlm.model.ModelFixtures.invert;
import static org.tarflowlm.model.ModelFixtures.maxAbsDiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Design page, section 7: inverse(forward(z)) = z to 1e-4 (max abs) for every coupling, P and direction, float32. */
class FlowInvertibilityTest {
  private static final double TOL = 1e-4;
  /**
   * Noise added to every parameter. At 0.1 the worst round trip over all cases is about 2e-6; at 0.3 the
   * random transformers and MADE heads become so badly conditioned (mix1 log-dets down to -55) that float32
   * cannot return x to 1e-4 although forward(inverse(h)) still returns h (see the backward-error test).
   */
  private static final double NOISE = 0.1;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static Stream<Arguments> everyLayer() {
    return ModelFixtures.cases(1, 2, 4).stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0} {1} P={2} {3}")
  @MethodSource("everyLayer")
  void inverseOfForwardReturnsTheInput(CouplingType coupling, Direction direction, int patch, LayerInput input) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, 8, input), m);
      ModelFixtures.perturb(model.params(), NOISE, 100 + patch);
      FlowLayer layer = model.layers().get(0);
      NDArray x = ModelFixtures.layerInput(model, coupling, m, 2, 5);
      CouplingResult r = layer.forward(x);
      double[][][] xs = host(x);
      double[][][] h = host(r.h());
      assertTrue(maxAbsDiff(xs, h) > 0.1, "the perturbed layer should not be the identity");
      double[][][] back = invert(layer, h, true, m);
      double err = maxAbsDiff(xs, back);
      assertTrue(err < TOL, () -> coupling + " " + direction + " P=" + patch + ": max |x - inverse(h)| = " + err);
    }
  }

  /**
   * Backward error under a rough perturbation (0.3): where the forward error cannot be small (the map is
   * nearly flat in places), the inverse must still be a right inverse, forward(inverse(h)) = h.
   */
  @ParameterizedTest(name = "{0} {1} P={2} {3}")
  @MethodSource("everyLayer")
  void forwardOfInverseReturnsTheOutputEvenWhenIllConditioned(CouplingType coupling, Direction direction, int patch, LayerInput input) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, 8, input), m);
      ModelFixtures.perturb(model.params(), 0.3, 100 + patch);
      FlowLayer layer = model.layers().get(0);
      NDArray x = ModelFixtures.layerInput(model, coupling, m, 2, 5);
      double[][][] h = host(layer.forward(x).h());
      double[][][] back = invert(layer, h, true, m);
      double[][][] again = host(layer.forward(ModelFixtures.device(m, back, x.getDataType())).h());
      for (int b = 0; b < h.length; b++) {
        for (int n = 0; n < h[b].length; n++) {
          for (int c = 0; c < h[b][n].length; c++) {
            double err = Math.abs(again[b][n][c] - h[b][n][c]);
            double tol = TOL * (1 + Math.abs(h[b][n][c]));
            int bb = b;
            int nn = n;
            int cc = c;
            assertTrue(err <= tol, () -> "forward(inverse(h)) at [" + bb + "," + nn + "," + cc + "] is off by " + err);
          }
        }
      }
    }
  }

  /** The sampling chain of a three-layer stack, through the channel mixing between layers, back to z. */
  @ParameterizedTest(name = "P={0}")
  @ValueSource(ints = {1, 2, 4})
  void stackInverseReturnsTheLatent(int patch) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.stack(patch, 8), m);
      ModelFixtures.perturb(model.params(), NOISE, 200 + patch);
      NDArray z = ModelFixtures.codebookPositions(model, m, 2, 9);
      NDArray zTokens = z.reshape(2, 8, ModelFixtures.D);
      FlowForward f = model.forward(zTokens);
      List<FlowLayer> layers = model.layers();
      ChannelMix mix = model.channelMix();
      // forward bookkeeping: inputs[0] = z, inputs[l] = mix(h_{l-1})
      assertEquals(0, maxAbsDiff(host(z), host(f.inputs().get(0))));
      for (int l = 1; l < layers.size(); l++) {
        assertEquals(0, maxAbsDiff(host(mix.mix(f.layers().get(l - 1).h())), host(f.inputs().get(l))));
      }
      // each layer alone
      for (int l = 0; l < layers.size(); l++) {
        double[][][] back = invert(layers.get(l), host(f.layers().get(l).h()), true, m);
        double err = maxAbsDiff(host(f.inputs().get(l)), back);
        int layer = l;
        assertTrue(err < TOL, () -> "layer " + layer + ": max |x - inverse(h)| = " + err);
      }
      // the whole chain from u, as generation runs it: TarFlowLM.inverse gives every layer's input back
      double[][][] u = host(f.layers().get(layers.size() - 1).h());
      for (InverseSchedule schedule : new InverseSchedule[] {InverseSchedule.CACHED, new InverseSchedule.Jacobi(0, 100, 100)}) {
        for (int b = 0; b < u.length; b++) {
          FlowInverse inverse = model.inverse(u[b], null, null, schedule, InverseListener.NONE, m);
          for (int l = 0; l < layers.size(); l++) {
            double err = maxAbsDiff(new double[][][] {host(f.inputs().get(l))[b]}, new double[][][] {inverse.inputs().get(l)});
            int layer = l;
            assertTrue(err < TOL, () -> schedule + ", P=" + patch + ", layer " + layer + ": max |x - inverse(u)| = " + err);
          }
          assertEquals(inverse.inputs().get(0), inverse.z());
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LEFT_TO_RIGHT", "RIGHT_TO_LEFT"})
  void fixedPositionsAreKeptAndTheRestInverted(Direction direction) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(CouplingType.MIX1, direction, 1, 8), m);
      ModelFixtures.perturb(model.params(), NOISE, 300);
      FlowLayer layer = model.layers().get(0);
      NDArray x = ModelFixtures.layerInput(model, CouplingType.MIX1, m, 2, 6);
      double[][][] xs = host(x);
      double[][][] h = host(layer.forward(x).h());
      boolean[] isFixed = {true, true, false, true, false, false, true, false};
      double[][][] fixed = new double[2][8][];
      for (int b = 0; b < 2; b++) {
        for (int n = 0; n < 8; n++) {
          fixed[b][n] = isFixed[n] ? xs[b][n].clone() : new double[] {99, 99, 99, 99, 99};
          if (isFixed[n]) {
            h[b][n] = new double[] {9, 9, 9, 9, 9}; // must be ignored
          }
        }
      }
      double[][][] cached = passKeeping(layer, h, fixed, isFixed, true, m);
      double[][][] recomputed = passKeeping(layer, h, fixed, isFixed, false, m);
      for (int b = 0; b < 2; b++) {
        for (int n = 0; n < 8; n++) {
          if (isFixed[n]) {
            assertArrayEquals(xs[b][n], cached[b][n], 0.0);
          }
        }
      }
      assertTrue(maxAbsDiff(xs, cached) < TOL, "free positions are inverted given the fixed ones");
      assertTrue(maxAbsDiff(recomputed, cached) < 1e-5,
          "kept runs fed to the cache in one call give the contexts of recomputing the prefix");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LEFT_TO_RIGHT", "RIGHT_TO_LEFT"})
  void aLongKeptRunGoesIntoTheCacheAsOneCall(Direction direction) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(CouplingType.MIXD, direction, 1, 12), m);
      ModelFixtures.perturb(model.params(), NOISE, 310);
      FlowLayer layer = model.layers().get(0);
      NDArray x = ModelFixtures.layerInput(model, CouplingType.MIXD, m, 1, 12);
      double[][][] xs = host(x);
      double[][][] h = host(layer.forward(x).h());
      boolean[] isFixed = new boolean[12];
      for (int n = 0; n < 12; n++) {
        isFixed[n] = direction == Direction.LEFT_TO_RIGHT ? n < 7 : n >= 5; // seven kept first in flow order
      }
      double[][][] kept = passKeeping(layer, h, xs, isFixed, true, m);
      assertTrue(maxAbsDiff(xs, kept) < TOL, "the written positions match the forward's inputs");
      assertTrue(maxAbsDiff(passKeeping(layer, h, xs, isFixed, false, m), kept) < 1e-5);
    }
  }

  /** One pass that keeps the fixed positions and inverts the others. */
  private static double[][][] passKeeping(FlowLayer layer, double[][][] h, double[][][] fixed, boolean[] isFixed,
      boolean useCache, NDManager m) {
    int batch = h.length;
    try (InversePass pass = layer.inversePass(batch, h[0].length, useCache, m)) {
      while (pass.hasNext()) {
        int idx = pass.nextIndex();
        double[][] column = new double[batch][];
        for (int b = 0; b < batch; b++) {
          column[b] = isFixed[idx] ? fixed[b][idx] : h[b][idx];
        }
        if (isFixed[idx]) {
          pass.keep(column);
        } else {
          pass.invert(column);
        }
      }
      return pass.written();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LEFT_TO_RIGHT", "RIGHT_TO_LEFT"})
  void inversePassVisitsPositionsInTheLayersOrder(Direction direction) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(CouplingType.AFFINE, direction, 2, 8), m);
      ModelFixtures.perturb(model.params(), NOISE, 400);
      FlowLayer layer = model.layers().get(0);
      double[][][] h = host(ModelFixtures.layerInput(model, CouplingType.AFFINE, m, 1, 3));
      List<int[]> seen = new ArrayList<>();
      double[][][] back;
      try (InversePass pass = layer.inversePass(1, 4, true, m)) {
        while (pass.hasNext()) {
          seen.add(new int[] {pass.step(), pass.nextIndex()});
          pass.invert(new double[][] {h[0][pass.nextIndex()]});
        }
        back = pass.written();
      }
      assertEquals(4, seen.size());
      for (int s = 0; s < 4; s++) {
        assertEquals(s, seen.get(s)[0]);
        assertEquals(direction == Direction.LEFT_TO_RIGHT ? s : 3 - s, seen.get(s)[1]);
      }
      assertEquals(4, back[0].length);
    }
  }

  @Test
  void untrainedAffineLayerIsTheIdentity() {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(CouplingType.AFFINE, Direction.RIGHT_TO_LEFT, 2, 8), m);
      NDArray x = ModelFixtures.layerInput(model, CouplingType.AFFINE, m, 2, 4);
      CouplingResult r = model.layers().get(0).forward(x);
      assertEquals(0, maxAbsDiff(host(x), host(r.h())));
      assertEquals(0, maxAbsDiff(new double[20], ModelFixtures.doubles(r.logDet().abs().reshape(-1))));
    }
  }
}
