package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * One inverse pass of a flow layer, a position at a time in the layer's direction:
 * {@code x_t = f^-1(h_t; ctx(x_<t))} ({@link #invert}), or {@code x_t} given ({@link #keep}, a
 * fixed position such as a prompt's). The caller owns the loop, and with it which positions are
 * fixed, what it reports and when it stops; the pass owns the transformer's cache.
 *
 * <p>Kept inputs wait until a later position needs its context, and then go into the cache in one
 * transformer call: a prompt of m positions costs one call instead of m.
 */
public final class InversePass implements AutoCloseable {
  private final FlowLayer layer;
  private final int batch;
  private final int n;
  private final boolean useCache;
  private final NDManager scope;
  private final CausalTransformer.Cache cache;
  private final InverseMap map;
  private final double[][][] written; // [B][N][c], sequence order
  private final List<double[][]> pending = new ArrayList<>(); // inputs not yet in the cache, flow order
  private int t; // flow steps done

  InversePass(FlowLayer layer, int batch, int n, boolean useCache, NDManager manager) {
    this.layer = layer;
    this.batch = batch;
    this.n = n;
    this.useCache = useCache;
    this.scope = manager.newSubManager();
    this.cache = layer.body().newCache(scope);
    this.written = new double[batch][n][];
    this.map = layer.coupling().inverseMap();
  }

  /** Which positions a whole pass keeps at a given input instead of inverting, by flow step and sequence index. */
  interface Keep {
    boolean at(int step, int index);
  }

  /** Hears every position of a whole pass, written or kept. */
  interface Heard {
    void at(int step, int index, double[] x);
  }

  /**
   * A whole pass over one sequence: x_t = f^-1(h_t; ctx(x_<t)), or x_t = given_t where {@code keep}
   * says: h and given [N][c] in sequence order -> x [N][c].
   */
  static double[][] run(FlowLayer layer, double[][] h, Keep keep, double[][] given, boolean useCache, Heard heard,
      NDManager manager) {
    try (InversePass pass = layer.inversePass(1, h.length, useCache, manager)) {
      while (pass.hasNext()) {
        int step = pass.step();
        int i = pass.nextIndex();
        double[][] x = keep.at(step, i) ? pass.keep(new double[][] {given[i]}) : pass.invert(new double[][] {h[i]});
        heard.at(step, i, x[0]);
      }
      return pass.written()[0];
    }
  }

  /** Whether a position is left to invert or keep. */
  public boolean hasNext() {
    return t < n;
  }

  /** Flow steps done so far. */
  public int step() {
    return t;
  }

  /** Sequence index of the next position: t left to right, N - 1 - t right to left. */
  public int nextIndex() {
    return layer.reversed() ? n - 1 - t : t;
  }

  /** x_t = f^-1(h_t; ctx(x_<t)) for the next position: h [B][c] -> x [B][c]. */
  public double[][] invert(double[][] h) {
    try (NDManager step = scope.newSubManager()) {
      NDArray ctx = useCache ? cachedContext(step) : recomputedContext(step); // [B, 1, D]
      // in the model's own type: rounding a float64 model's parameters to float32 here cost the inverse
      // about 1e-3 where the mixture map is badly conditioned
      double[] sp = Nd.hostDoubles(layer.coupling().stepParams(ctx)); // [B, 1, k]
      int k = sp.length / batch;
      double[] row = new double[k];
      double[][] x = new double[batch][];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(sp, b * k, row, 0, k);
        x[b] = map.inverse(row, h[b]);
      }
      return advance(x);
    }
  }

  /** The next position keeps the given input x [B][c]; nothing is computed until a later position needs it. */
  public double[][] keep(double[][] x) {
    double[][] copy = new double[batch][];
    for (int b = 0; b < batch; b++) {
      copy[b] = x[b].clone();
    }
    return advance(copy);
  }

  /** Everything written so far, [B][N][c] in sequence order (null where nothing is yet). */
  public double[][][] written() {
    return written;
  }

  private double[][] advance(double[][] x) {
    int idx = nextIndex();
    for (int b = 0; b < batch; b++) {
      written[b][idx] = x[b];
    }
    pending.add(x);
    t++;
    return x;
  }

  /** The context of slot t from the cache, after feeding it every input written since the last one. */
  private NDArray cachedContext(NDManager step) {
    NDArray prev = null;
    if (!pending.isEmpty()) {
      int m = pending.size();
      int c = pending.get(0)[0].length;
      double[] flat = new double[batch * m * c];
      for (int b = 0; b < batch; b++) {
        for (int s = 0; s < m; s++) {
          System.arraycopy(pending.get(s)[b], 0, flat, (b * m + s) * c, c);
        }
      }
      prev = layer.features(Nd.fromHost(step, flat, new Shape(batch, m, c), layer.dtype())); // [B, m, F]
      pending.clear();
    }
    return layer.body().extend(prev, batch, cache, step);
  }

  /** The context of slot t by running the transformer over the whole prefix: [B, 1, D]. */
  private NDArray recomputedContext(NDManager step) {
    pending.clear();
    int c = layer.channels();
    double[] prefix = new double[batch * (t + 1) * c]; // slot t's own input is never seen
    for (int b = 0; b < batch; b++) {
      for (int s = 0; s < t; s++) {
        int idx = layer.reversed() ? n - 1 - s : s;
        System.arraycopy(written[b][idx], 0, prefix, (b * (t + 1) + s) * c, c);
      }
    }
    NDArray in = Nd.fromHost(step, prefix, new Shape(batch, t + 1, c), layer.dtype());
    return layer.body().forward(layer.features(in)).get(":, {}:{}", t, t + 1);
  }

  @Override
  public void close() {
    scope.close();
  }
}
