package org.tarflowlm.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.HostCodebook;
import org.tarflowlm.model.Mixture1D;
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
 * alpha^(i), pi updated by the token's channels before i by the same {@link HostCodebook} that
 * {@code MixdCoupling.inverse} uses. Its
 * components are the codebook Gaussians' i-th coordinates. Mix-1: "logits" (log pi), "means",
 * "scales", each [N][c*K]. Affine: "shift" and "logScale", [N][c].
 */
public final class MixtureInspector {
  /** Number of uniform grid points of the curves (a few more are added around narrow heavy components). */
  public static final int GRID = 400;
  /** Curves span every component's mean +- this many scales. */
  static final double SPAN = 4;

  private final HostCodebook codebook; // null when the traces to inspect have no Mix-d layer

  /** @param codebook the model's codebook; null when the traces to inspect have no Mix-d layer */
  public MixtureInspector(HostCodebook codebook) {
    this.codebook = codebook;
  }

  /** Reads a flow model's codebook in float64; call on the thread that makes the model's calls. */
  public static MixtureInspector of(TarFlowLM model) {
    return new MixtureInspector(HostCodebook.of(model.codebook()));
  }

  /**
   * Reads the codebook of a runtime's flow model, holding the runtime's lock (its calls are
   * serialized on it). Call from a worker, not the UI thread.
   */
  public static MixtureInspector of(ModelRuntime runtime) {
    synchronized (runtime) {
      return of(runtime.flow("inspecting mixtures"));
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
  public CouplingSlice slice(ForwardTrace trace, int layer, int position, int channel) {
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
    double x = s.input()[position][channel];
    double h = s.output()[position][channel];
    return switch (couplingOf(s)) {
      case AFFINE -> new AffineSlice(s.index(), s.label(), position, channel, chars, x, h,
          s.params().get("shift")[position][channel], s.params().get("logScale")[position][channel]);
      case MIX1 -> mix1(s, position, channel, chars, x, h);
      case MIXD -> mixd(trace, s, position, channel, chars, x, h);
    };
  }

  private static MixtureSlice mix1(LayerTrace s, int n, int i, String chars, double x, double h) {
    float[] logits = s.params().get("logits")[n];
    float[] means = s.params().get("means")[n];
    float[] scales = s.params().get("scales")[n];
    int k = logits.length / s.input()[n].length;
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
    Mixture1D mix = Mixture1D.ofLogWeights(logW, m, sd);
    return new MixtureSlice(s.index(), s.label(), CouplingType.MIX1, n, i, chars, x, h, mix, labels,
        Optional.empty(), curves(mix, x));
  }

  private MixtureSlice mixd(ForwardTrace trace, LayerTrace s, int n, int i, String chars, double x, double h) {
    float[] logits = s.params().get("logits")[n];
    int patch = trace.patchSize();
    int v = logits.length / patch;
    int d = s.input()[n].length / patch;
    if (codebook == null) {
      throw new IllegalStateException("a Mix-d layer needs the codebook: build the inspector from the model");
    }
    if (codebook.vocab() != v || codebook.dim() != d) {
      throw new IllegalStateException("the codebook (" + codebook.vocab() + " x " + codebook.dim()
          + ") does not fit the trace (V = " + v + ", d = " + d + "): the trace is from another model; trace again");
    }
    int tok = i / d;
    int ch = i % d;
    double[] input = new double[s.input()[n].length];
    double[] logitsD = new double[logits.length];
    for (int j = 0; j < input.length; j++) {
      input[j] = s.input()[n][j];
    }
    for (int j = 0; j < logits.length; j++) {
      logitsD[j] = logits[j];
    }
    Mixture1D mix = codebook.channel(codebook.channelLogWeights(logitsD, tok * v, input, tok * d, ch), ch);
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < v; k++) {
      labels.add(String.valueOf(Vocabulary.symbol(k)));
    }
    int token = n * patch + tok;
    MixtureSlice.Token t = new MixtureSlice.Token(token, ch, Vocabulary.id(trace.scored().charAt(token)));
    return new MixtureSlice(s.index(), s.label(), CouplingType.MIXD, n, i, chars, x, h, mix, labels,
        Optional.of(t), curves(mix, x));
  }

  private static MixtureSlice.Curves curves(Mixture1D mix, double x) {
    double[] grid = grid(mix, x);
    int k = mix.components();
    double[][] comp = new double[k][grid.length];
    double[] dens = new double[grid.length];
    double[] cdf = new double[grid.length];
    for (int g = 0; g < grid.length; g++) {
      for (int j = 0; j < k; j++) {
        comp[j][g] = mix.component(j, grid[g]);
        dens[g] += comp[j][g];
      }
      cdf[g] = mix.cdf(grid[g]);
    }
    return new MixtureSlice.Curves(grid, comp, dens, cdf);
  }

  /**
   * GRID uniform points over every component's mean +- SPAN scales and x (with a small margin),
   * plus 41 points over +- 5 scales of each component of weight >= 1e-3 too narrow for the uniform
   * spacing, so that its peak is drawn and integrates.
   */
  static double[] grid(Mixture1D mix, double x) {
    double[] w = mix.weights();
    double[] m = mix.means();
    double[] sd = mix.scales();
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
}
