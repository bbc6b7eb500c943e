package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/** Small models, perturbed parameters, realistic inputs and host/NDArray conversions for the model tests. */
final class ModelFixtures {
  static final int V = 27;
  static final int D = 5;

  private ModelFixtures() {}

  /** One layer of the given coupling and direction: width 16, depth 1, 2 heads, K = 3 for mix1. */
  static ModelConfig oneLayer(CouplingType coupling, Direction direction, int patch, int seqLen) {
    return oneLayer(coupling, direction, patch, seqLen, LayerInput.LATENT);
  }

  /** The same, reading the given input. */
  static ModelConfig oneLayer(CouplingType coupling, Direction direction, int patch, int seqLen, LayerInput input) {
    return new ModelConfig("tarflowlm", V, D, patch, seqLen,
        List.of(new LayerConfig(coupling, direction, 1, 16, 2, 3, input)), 7);
  }

  /** The paper's shape in miniature: mixd ltr, mix1 rtl (K = 2), affine ltr. */
  static ModelConfig stack(int patch, int seqLen) {
    return new ModelConfig("tarflowlm", V, D, patch, seqLen, List.of(
        new LayerConfig(CouplingType.MIXD, Direction.LEFT_TO_RIGHT, 1, 16, 2, 2),
        new LayerConfig(CouplingType.MIX1, Direction.RIGHT_TO_LEFT, 1, 16, 2, 2),
        new LayerConfig(CouplingType.AFFINE, Direction.LEFT_TO_RIGHT, 1, 16, 2, 2)), 11);
  }

  /**
   * Adds N(0, std^2) noise to every parameter whose name passes {@code which}, so that zero-initialised
   * heads stop making layers trivial (an untrained affine layer is the identity, and no test of it could fail).
   */
  static void perturb(Params params, double std, long seed, Predicate<String> which) {
    Random random = new Random(seed);
    params.all().forEach((name, a) -> {
      if (!which.test(name)) {
        return;
      }
      float[] noise = new float[(int) a.getShape().size()];
      for (int i = 0; i < noise.length; i++) {
        noise[i] = (float) (random.nextGaussian() * std);
      }
      try (NDArray n = params.manager().create(noise, a.getShape());
          NDArray typed = n.toType(a.getDataType(), false)) {
        a.addi(typed);
      }
    });
  }

  static void perturb(Params params, double std, long seed) {
    perturb(params, std, seed, name -> true);
  }

  /** Random token ids [B, T] (int64). */
  static NDArray ids(NDManager m, int batch, int seqLen, long seed) {
    Random random = new Random(seed);
    long[] v = new long[batch * seqLen];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextInt(V);
    }
    return m.create(v, new Shape(batch, seqLen));
  }

  /** N(0, 1) values of a shape and type, drawn in Java. */
  static NDArray gaussian(NDManager m, Shape shape, DataType type, long seed) {
    Random random = new Random(seed);
    double[] v = new double[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian();
    }
    return m.create(v, shape).toType(type, false);
  }

  /** A realistic latent for a model: z = mu_x + sigma_x eps of random ids, [B, T, d], as flow positions [B, N, c]. */
  static NDArray codebookPositions(TarFlowLM model, NDManager m, int batch, long seed) {
    ModelConfig c = model.config();
    NDArray ids = ids(m, batch, c.seqLen(), seed);
    NDArray eps = gaussian(m, new Shape(batch, c.seqLen(), c.latentDim()), model.params().dtype(), seed + 1);
    return model.toPositions(model.codebook().encode(ids, eps, m));
  }

  /** The input a test feeds a layer: codebook samples for a mixd layer, N(0, 1) otherwise, [B, N, c]. */
  static NDArray layerInput(TarFlowLM model, CouplingType coupling, NDManager m, int batch, long seed) {
    ModelConfig c = model.config();
    return coupling == CouplingType.MIXD
        ? codebookPositions(model, m, batch, seed)
        : gaussian(m, new Shape(batch, c.positions(), c.channels()), model.params().dtype(), seed);
  }

  static double[][][] host(NDArray a) {
    Shape s = a.getShape();
    int b = (int) s.get(0);
    int n = (int) s.get(1);
    int c = (int) s.get(2);
    double[] flat = a.toType(DataType.FLOAT64, false).toDoubleArray();
    double[][][] out = new double[b][n][c];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < n; j++) {
        System.arraycopy(flat, (i * n + j) * c, out[i][j], 0, c);
      }
    }
    return out;
  }

  static NDArray device(NDManager m, double[][][] a, DataType type) {
    int b = a.length;
    int n = a[0].length;
    int c = a[0][0].length;
    double[] flat = new double[b * n * c];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < n; j++) {
        System.arraycopy(a[i][j], 0, flat, (i * n + j) * c, c);
      }
    }
    return Nd.fromHost(m, flat, new Shape(b, n, c), type);
  }

  static double maxAbsDiff(double[][][] a, double[][][] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        for (int k = 0; k < a[i][j].length; k++) {
          max = Math.max(max, Math.abs(a[i][j][k] - b[i][j][k]));
        }
      }
    }
    return max;
  }

  static double maxAbsDiff(double[] a, double[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static double[] doubles(NDArray a) {
    return a.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  /** A full inverse pass of one layer. */
  static double[][][] invert(FlowLayer layer, double[][][] h, boolean useCache, NDManager m) {
    return layer.inverse(h, useCache, m);
  }

  /** Host channel mixing of every position. */
  static double[][][] unmix(ChannelMix mix, double[][][] a) {
    double[][][] out = new double[a.length][a[0].length][];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] = mix.unmix(a[i][j]);
      }
    }
    return out;
  }

  /** Every (coupling, direction, patch, input) case the invariants must hold for. */
  static List<Object[]> cases(int... patches) {
    List<Object[]> out = new ArrayList<>();
    for (CouplingType c : CouplingType.values()) {
      for (Direction d : Direction.values()) {
        for (int p : patches) {
          for (LayerInput in : LayerInput.values()) {
            out.add(new Object[] {c, d, p, in});
          }
        }
      }
    }
    return out;
  }

  /** log|det A| by LU with partial pivoting. */
  static double logAbsDet(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    double logDet = 0;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = m[col];
      m[col] = m[pivot];
      m[pivot] = t;
      double p = m[col][col];
      if (p == 0) {
        return Double.NEGATIVE_INFINITY;
      }
      logDet += Math.log(Math.abs(p));
      for (int r = col + 1; r < n; r++) {
        double f = m[r][col] / p;
        for (int k = col; k < n; k++) {
          m[r][k] -= f * m[col][k];
        }
      }
    }
    return logDet;
  }
}
