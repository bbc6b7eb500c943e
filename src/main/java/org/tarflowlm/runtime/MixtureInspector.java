package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.MixdCoupling;
import org.tarflowlm.model.Normal;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.model.Vocabulary;

/**
 * One coupling's mixture at one layer, position and channel of a forward trace (design page,
 * section 3): the weights, means and scales of the channel's 1-D mixture, its curves, and where the
 * channel's value x lands, F(x) and h = Phi^-1(F(x)). Everything is host double arithmetic on the
 * trace's stored parameters (and, for Mix-d, the codebook read once at construction), so
 * {@link #slice} is cheap and touches no engine.
 *
 * <p>Mix-d: the trace stores log pi per token ("logits", [N][P*V]); the channel's weights are
 * alpha^(i), pi updated by the token's channels before i exactly as {@code MixdCoupling.inverse}
 * does: log alpha^(i+1) = log alpha^(i) + log N(x_i; mu_ki, sigma_k^2), renormalized. Its
 * components are the codebook Gaussians' i-th coordinates. Mix-1: "logits" (log pi), "means",
 * "scales", each [N][c*K]. Affine: "shift" and "logScale", [N][c].
 */
public final class MixtureInspector {
  /** Number of uniform grid points of the curves (a few more are added around narrow heavy components). */
  public static final int GRID = 400;
  /** Curves span every component's mean +- this many scales. */
  static final double SPAN = 4;

  private final double[][] mu; // [V][d], null without a codebook
  private final double[] sigma; // [V]

  /**
   * @param codebookMeans mu, [V][d]; null when the traces to inspect have no Mix-d layer
   * @param codebookSigmas sigma (not log sigma), [V]
   */
  public MixtureInspector(double[][] codebookMeans, double[] codebookSigmas) {
    if ((codebookMeans == null) != (codebookSigmas == null)
        || (codebookMeans != null && codebookMeans.length != codebookSigmas.length)) {
      throw new IllegalArgumentException("codebook means and sigmas must both be given, one per symbol");
    }
    this.mu = codebookMeans;
    this.sigma = codebookSigmas;
  }

  /** Reads a flow model's codebook in float64; call on the thread that makes the model's calls. */
  public static MixtureInspector of(TarFlowLM model) {
    double[] m;
    double[] logSigma;
    try (NDArray a = model.codebook().mu().toType(DataType.FLOAT64, true);
        NDArray s = model.codebook().logSigma().toType(DataType.FLOAT64, true)) {
      m = a.toDoubleArray();
      logSigma = s.toDoubleArray();
    }
    int v = logSigma.length;
    int d = m.length / v;
    double[][] mu = new double[v][d];
    double[] sigma = new double[v];
    for (int k = 0; k < v; k++) {
      sigma[k] = Math.exp(logSigma[k]);
      System.arraycopy(m, k * d, mu[k], 0, d);
    }
    return new MixtureInspector(mu, sigma);
  }

  /**
   * Reads the codebook of a runtime's flow model, holding the runtime's lock (its calls are
   * serialized on it). Call from a worker, not the UI thread.
   */
  public static MixtureInspector of(ModelRuntime runtime) {
    if (!(runtime.model() instanceof TarFlowLM flow)) {
      throw new IllegalArgumentException(runtime.name() + " is the discrete baseline: it has no flow layers to inspect");
    }
    synchronized (runtime) {
      return of(flow);
    }
  }

  /** The coupling of a traced layer, from the parameters it stored. */
  public static CouplingType couplingOf(LayerTrace state) {
    Map<String, float[][]> p = state.params();
    if (p.containsKey("shift") && p.containsKey("logScale")) {
      return CouplingType.AFFINE;
    }
    if (p.containsKey("logits") && p.containsKey("means") && p.containsKey("scales")) {
      return CouplingType.MIX1;
    }
    if (p.containsKey("logits")) {
      return CouplingType.MIXD;
    }
    throw new IllegalArgumentException("state " + state.index() + " (" + state.label()
        + ") holds no coupling parameters: it is z or its trace has none");
  }

  /**
   * The mixture of layer {@code layer} (1-based) at flow position {@code position} and channel
   * {@code channel} of the layer's input (its own channel order).
   */
  public MixtureSlice slice(ForwardTrace trace, int layer, int position, int channel) {
    int layers = trace.states().size() - 1;
    if (layer < 1 || layer > layers) {
      throw new IllegalArgumentException("layer " + layer + " is outside [1, " + layers + "]");
    }
    LayerTrace s = trace.states().get(layer);
    int n = s.input().length;
    if (position < 0 || position >= n) {
      throw new IllegalArgumentException("position " + position + " is outside [0, " + n + ")");
    }
    int c = s.input()[position].length;
    if (channel < 0 || channel >= c) {
      throw new IllegalArgumentException("channel " + channel + " is outside [0, " + c + ")");
    }
    int patch = trace.patchSize();
    String chars = trace.scored().substring(position * patch, position * patch + patch);
    CouplingType type = couplingOf(s);
    double x = s.input()[position][channel];
    double h = s.output()[position][channel];
    return switch (type) {
      case AFFINE -> affine(s, position, channel, chars, x, h);
      case MIX1 -> mix1(s, position, channel, chars, x, h);
      case MIXD -> mixd(trace, s, position, channel, chars, x, h);
    };
  }

  private static MixtureSlice affine(LayerTrace s, int n, int i, String chars, double x, double h) {
    double b = s.params().get("shift")[n][i];
    double a = s.params().get("logScale")[n][i];
    double dens = Math.exp(Normal.logPdf((x - b) * Math.exp(-a)) - a);
    return new MixtureSlice(s.index(), s.label(), CouplingType.AFFINE, n, i, chars, -1, -1, -1, x, Double.NaN, h,
        dens, new double[0], new double[0], new double[0], List.of(), new double[0], new double[0][0],
        new double[0], new double[0], b, a);
  }

  private static MixtureSlice mix1(LayerTrace s, int n, int i, String chars, double x, double h) {
    float[] logits = s.params().get("logits")[n];
    float[] means = s.params().get("means")[n];
    float[] scales = s.params().get("scales")[n];
    int c = s.input()[n].length;
    int k = logits.length / c;
    double[] logW = new double[k];
    double[] m = new double[k];
    double[] sd = new double[k];
    List<String> labels = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      logW[j] = logits[i * k + j];
      m[j] = means[i * k + j];
      sd[j] = scales[i * k + j];
      labels.add("component " + (j + 1));
    }
    return mixture(s, CouplingType.MIX1, n, i, chars, -1, -1, -1, x, h, weights(logW), m, sd, labels);
  }

  private MixtureSlice mixd(ForwardTrace trace, LayerTrace s, int n, int i, String chars, double x, double h) {
    float[] logits = s.params().get("logits")[n];
    int patch = trace.patchSize();
    int v = logits.length / patch;
    int d = s.input()[n].length / patch;
    if (mu == null) {
      throw new IllegalStateException("a Mix-d layer needs the codebook: build the inspector from the model");
    }
    if (mu.length != v || mu[0].length != d) {
      throw new IllegalStateException("the codebook (" + mu.length + " x " + mu[0].length
          + ") does not fit the trace (V = " + v + ", d = " + d + "): the trace is from another model; trace again");
    }
    int tok = i / d;
    int ch = i % d;
    double[] input = new double[s.input()[n].length];
    for (int j = 0; j < input.length; j++) {
      input[j] = s.input()[n][j];
    }
    double[] logAlpha = MixdCoupling.channelLogWeights(logits, tok * v, input, tok * d, ch, mu, sigma);
    double[] w = new double[v];
    double[] m = new double[v];
    double[] sd = new double[v];
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < v; k++) {
      w[k] = Math.exp(logAlpha[k]);
      m[k] = mu[k][ch];
      sd[k] = sigma[k];
      labels.add(String.valueOf(Vocabulary.symbol(k)));
    }
    int token = n * patch + tok;
    int actual = Vocabulary.id(trace.scored().charAt(token));
    return mixture(s, CouplingType.MIXD, n, i, chars, token, ch, actual, x, h, w, m, sd, labels);
  }

  private static MixtureSlice mixture(LayerTrace s, CouplingType type, int n, int i, String chars, int token,
      int tokenChannel, int actual, double x, double h, double[] w, double[] m, double[] sd, List<String> labels) {
    double[] grid = grid(w, m, sd, x);
    int k = w.length;
    double[][] comp = new double[k][grid.length];
    double[] dens = new double[grid.length];
    double[] cdf = new double[grid.length];
    for (int g = 0; g < grid.length; g++) {
      for (int j = 0; j < k; j++) {
        double z = (grid[g] - m[j]) / sd[j];
        comp[j][g] = w[j] * Math.exp(Normal.logPdf(z)) / sd[j];
        dens[g] += comp[j][g];
        cdf[g] += w[j] * Normal.cdf(z);
      }
    }
    return new MixtureSlice(s.index(), s.label(), type, n, i, chars, token, tokenChannel, actual, x,
        cdfAt(w, m, sd, x), h, densityAt(w, m, sd, x), w, m, sd, List.copyOf(labels), grid, comp, dens, cdf,
        Double.NaN, Double.NaN);
  }

  /** F(x) = sum_k w_k Phi((x - m_k) / s_k). */
  static double cdfAt(double[] w, double[] m, double[] sd, double x) {
    double f = 0;
    for (int j = 0; j < w.length; j++) {
      f += w[j] * Normal.cdf((x - m[j]) / sd[j]);
    }
    return f;
  }

  /** p(x) = sum_k w_k N(x; m_k, s_k^2). */
  static double densityAt(double[] w, double[] m, double[] sd, double x) {
    double p = 0;
    for (int j = 0; j < w.length; j++) {
      p += w[j] * Math.exp(Normal.logPdf((x - m[j]) / sd[j])) / sd[j];
    }
    return p;
  }

  /**
   * GRID uniform points over every component's mean +- SPAN scales and x (with a small margin),
   * plus 41 points over +- 5 scales of each component of weight >= 1e-3 too narrow for the uniform
   * spacing, so that its peak is drawn and integrates.
   */
  static double[] grid(double[] w, double[] m, double[] sd, double x) {
    double lo = x;
    double hi = x;
    for (int j = 0; j < w.length; j++) {
      lo = Math.min(lo, m[j] - SPAN * sd[j]);
      hi = Math.max(hi, m[j] + SPAN * sd[j]);
    }
    double pad = 0.02 * (hi - lo);
    lo -= pad;
    hi += pad;
    double step = (hi - lo) / (GRID - 1);
    double[] pts = new double[GRID + 41 * w.length];
    int count = 0;
    for (int g = 0; g < GRID; g++) {
      pts[count++] = g == GRID - 1 ? hi : lo + g * step;
    }
    for (int j = 0; j < w.length; j++) {
      if (w[j] >= 1e-3 && sd[j] < 4 * step) {
        for (int t = 0; t <= 40; t++) {
          double v = m[j] + sd[j] * (-5 + t * 0.25);
          if (v > lo && v < hi) {
            pts[count++] = v;
          }
        }
      }
    }
    double[] sorted = Arrays.copyOf(pts, count);
    Arrays.sort(sorted);
    int unique = 0;
    for (int g = 0; g < sorted.length; g++) {
      if (unique == 0 || sorted[g] > sorted[unique - 1]) {
        sorted[unique++] = sorted[g];
      }
    }
    return Arrays.copyOf(sorted, unique);
  }

  /** Weights from log-weights, renormalized in double. */
  private static double[] weights(double[] logW) {
    Normal.normalizeLogs(logW);
    double[] w = new double[logW.length];
    for (int j = 0; j < w.length; j++) {
      w[j] = Math.exp(logW[j]);
    }
    return w;
  }
}
