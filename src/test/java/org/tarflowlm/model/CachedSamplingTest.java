package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarflowlm.model.ModelFixtures.doubles;
import static org.tarflowlm.model.ModelFixtures.host;
import static org.tarflowlm.model.ModelFixtures.invert;
import static org.tarflowlm.model.ModelFixtures.maxAbsDiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Design page, section 7: sampling with the key/value cache equals sampling that recomputes the prefix, to 1e-5. */
class CachedSamplingTest {
  private static final double TOL = 1e-5;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static Stream<Arguments> layers() {
    return ModelFixtures.cases(1, 4).stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0} {1} P={2} {3}")
  @MethodSource("layers")
  void cachedInverseEqualsRecomputedInverse(CouplingType coupling, Direction direction, int patch, LayerInput input) {
    try (NDManager m = manager.newSubManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.oneLayer(coupling, direction, patch, 16, input), m);
      ModelFixtures.perturb(model.params(), 0.1, 1000 + patch);
      FlowLayer layer = model.layers().get(0);
      // any h will do: a draw from the base, as generation starts
      NDArray u = ModelFixtures.gaussian(m, new Shape(2, 16 / patch, 5L * patch), DataType.FLOAT32, 51);
      double[][][] h = host(u);
      double[][][] cached = invert(layer, h, true, m);
      double[][][] recomputed = invert(layer, h, false, m);
      double err = maxAbsDiff(cached, recomputed);
      assertTrue(err < TOL, () -> coupling + " " + direction + " P=" + patch + ": cached and recomputed differ by " + err);
      // and both are the inverse: forward(x) = h
      double back = maxAbsDiff(h, host(layer.forward(ModelFixtures.device(m, cached, DataType.FLOAT32)).h()));
      assertTrue(back < 1e-4, () -> "forward(inverse(h)) is off by " + back);
    }
  }

  /**
   * The transformer alone: contexts from one-row extend() calls with the cache equal forward() over
   * the whole sequence. 150 positions take forward() through three blocks of queries (the last one
   * partial), while a step attends to all its keys at once.
   */
  @ParameterizedTest(name = "{0}, {1} positions")
  @CsvSource({"FLOAT32, 8", "FLOAT64, 8", "FLOAT32, 150", "FLOAT64, 150"})
  void cachedStepsEqualTheFullForward(DataType type, int n) {
    try (NDManager m = manager.newSubManager()) {
      Params params = new Params(m, 3, type);
      CausalTransformer body = new CausalTransformer(params, "b.", 5, n, 2, 16, 4);
      ModelFixtures.perturb(params, 0.2, 5);
      NDArray x = ModelFixtures.gaussian(m, new Shape(2, n, 5), type, 9);
      NDArray full = body.forward(x);
      double tol = type == DataType.FLOAT64 ? 1e-12 : TOL;
      try (NDManager pass = m.newSubManager(); CausalTransformer.Cache cache = body.newCache(pass)) {
        for (int t = 0; t < n; t++) {
          NDArray prev = t == 0 ? null : x.get(":, {}:{}", t - 1, t);
          NDArray ctx = body.extend(prev, 2, cache, pass);
          assertEquals(new Shape(2, 1, 16), ctx.getShape());
          assertEquals(t + 1, cache.length());
          double err = maxAbsDiff(doubles(ctx), doubles(full.get(":, {}:{}", t, t + 1)));
          int step = t;
          assertTrue(err < tol, () -> type + " step " + step + ": cached context differs by " + err);
        }
        assertThrows(IllegalArgumentException.class, () -> body.extend(x.get(":, {}:{}", n - 1, n), 2, cache, pass),
            "the cache must refuse to run past the model's positions");
      }
    }
  }

  /**
   * Runs of several slots after cached ones (a kept prompt, the fixed text after a blank): each
   * run's keys join the cache transposed and its queries see the cache and the run's earlier
   * slots only. The context after each run equals forward() at the run's last slot.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"FLOAT32", "FLOAT64"})
  void runsOfSlotsAfterCachedOnesEqualTheFullForward(DataType type) {
    int n = 40;
    int[] runs = {4, 1, 5, 1, 7, 2, 9, 11}; // slots per extend() call: 40 in all, the first with the start slot
    try (NDManager m = manager.newSubManager()) {
      Params params = new Params(m, 6, type);
      CausalTransformer body = new CausalTransformer(params, "b.", 5, n, 2, 16, 4);
      ModelFixtures.perturb(params, 0.2, 7);
      NDArray x = ModelFixtures.gaussian(m, new Shape(2, n, 5), type, 11);
      NDArray full = body.forward(x);
      double tol = type == DataType.FLOAT64 ? 1e-12 : TOL;
      try (NDManager pass = m.newSubManager(); CausalTransformer.Cache cache = body.newCache(pass)) {
        int t = 0;
        for (int run : runs) {
          // slots t..t+run-1 read the inputs of positions t-1..t+run-2 (slot 0 reads the start vector)
          NDArray prev = t == 0 ? (run == 1 ? null : x.get(":, :{}", run - 1)) : x.get(":, {}:{}", t - 1, t + run - 1);
          NDArray ctx = body.extend(prev, 2, cache, pass);
          t += run;
          assertEquals(t, cache.length());
          double err = maxAbsDiff(doubles(ctx), doubles(full.get(":, {}:{}", t - 1, t)));
          int last = t - 1;
          assertTrue(err < tol, () -> type + " slot " + last + ": context after a run differs by " + err);
        }
        assertEquals(n, t);
      }
    }
  }

  /**
   * The baseline's step reads row k of in.w for a one-hot k instead of multiplying: its contexts
   * equal forward() over the one-hot inputs, and a step from the one-hot row exactly (the product
   * adds only zeros to row k).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"FLOAT32", "FLOAT64"})
  void tokenStepsEqualTheOneHotForward(DataType type) {
    int v = 27;
    int n = 40;
    try (NDManager m = manager.newSubManager()) {
      Params params = new Params(m, 8, type);
      CausalTransformer body = new CausalTransformer(params, "b.", v, n, 2, 16, 4);
      ModelFixtures.perturb(params, 0.2, 3);
      int[] ids = new int[n];
      for (int t = 0; t < n; t++) {
        ids[t] = (7 * t * t + 3) % v;
      }
      NDArray range = m.arange(v).toType(DataType.INT32, false);
      NDArray oneHot = m.create(ids, new Shape(1, n)).expandDims(-1).eq(range).toType(type, false); // [1, N, V]
      NDArray full = body.forward(oneHot);
      double tol = type == DataType.FLOAT64 ? 1e-12 : TOL;
      try (NDManager pass = m.newSubManager();
          CausalTransformer.Cache cache = body.newCache(pass);
          CausalTransformer.Cache rows = body.newCache(pass)) {
        for (int t = 0; t < n; t++) {
          NDArray ctx = body.stepToken(t == 0 ? 0 : ids[t - 1], cache, pass);
          assertEquals(new Shape(1, 1, 16), ctx.getShape());
          double err = maxAbsDiff(doubles(ctx), doubles(full.get(":, {}:{}", t, t + 1)));
          int step = t;
          assertTrue(err < tol, () -> type + " step " + step + ": token context differs by " + err);
          NDArray fromRow = body.extend(t == 0 ? null : oneHot.get(":, {}:{}", t - 1, t), 1, rows, pass);
          assertEquals(0.0, maxAbsDiff(doubles(ctx), doubles(fromRow)), type + " step " + step);
        }
      }
    }
  }

  @Test
  void contextZeroSeesOnlyTheStartVector() {
    try (NDManager m = manager.newSubManager()) {
      Params params = new Params(m, 4);
      CausalTransformer body = new CausalTransformer(params, "b.", 5, 6, 1, 16, 2);
      ModelFixtures.perturb(params, 0.2, 6);
      double[] a = doubles(body.forward(ModelFixtures.gaussian(m, new Shape(1, 6, 5), DataType.FLOAT32, 1)).get(":, 0"));
      double[] b = doubles(body.forward(ModelFixtures.gaussian(m, new Shape(1, 6, 5), DataType.FLOAT32, 2)).get(":, 0"));
      assertEquals(0, maxAbsDiff(a, b), 1e-7);
    }
  }
}
