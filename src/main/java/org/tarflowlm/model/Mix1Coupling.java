package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * Mix-1 (design page, coupling 2): every scalar channel i gets a K-component Gaussian mixture
 * (pi, m, s) from the context and the channels before it, through a MADE-style masked MLP
 * (Categorical Normalizing Flows): channel values enter as [x, elu(x), elu(-x)], hidden unit j
 * has a degree m_j in [0, c) and sees channels < m_j, output i sees hidden units with m_j <= i.
 * Map: h = Phi^-1(F(x)), F(x) = sum_k pi_k Phi((x - m_k) / s_k); log|dh/dx| = log p_mix(x) - log N(h).
 */
public final class Mix1Coupling implements Coupling {
  /** Log-scales are soft-clamped into (-LOG_SCALE_BOUND, LOG_SCALE_BOUND) with tanh. */
  static final double LOG_SCALE_BOUND = 5;

  private final int channels;
  private final int k;
  private final int hidden;
  private final NDArray wc; // [D, H], context -> hidden
  private final NDArray wx; // [3c, H], channel features -> hidden
  private final NDArray b1; // [H]
  private final NDArray wo; // [H, c*3K], zero at the start
  private final NDArray bo; // [c*3K]: logits 0, means spread over [-0.5, 0.5], log-scales 0
  private final NDArray maskX; // [3c, H]
  private final NDArray maskO; // [H, c*3K]

  Mix1Coupling(Params params, String prefix, int width, int channels, int components) {
    this.channels = channels;
    this.k = components;
    this.hidden = width;
    wc = params.normal(prefix + "made.wc", (float) (1 / Math.sqrt(width)), width, hidden);
    wx = params.normal(prefix + "made.wx", (float) (1 / Math.sqrt(3.0 * channels)), 3L * channels, hidden);
    b1 = params.constant(prefix + "made.b1", 0f, hidden);
    wo = params.constant(prefix + "made.wo", 0f, hidden, (long) channels * 3 * k);
    float[] bias = params.allocate((long) channels * 3 * k);
    for (int i = 0; i < channels; i++) {
      for (int j = 0; j < k; j++) {
        // component means spread over [-0.5, 0.5]: distinct (or they never separate) yet close to N(0, 1)
        bias[i * 3 * k + k + j] = k == 1 ? 0f : -0.5f + (float) j / (k - 1);
      }
    }
    bo = params.put(prefix + "made.bo", bias, (long) channels * 3 * k);
    int[] degree = new int[hidden];
    for (int j = 0; j < hidden; j++) {
      degree[j] = j % channels; // hidden unit j has degree m_j = j mod c
    }
    float[] mx = params.allocate(3L * channels, hidden);
    float[] mo = params.allocate(hidden, (long) channels * 3 * k);
    for (int i = 0; i < channels; i++) {
      for (int j = 0; j < hidden; j++) {
        for (int f = 0; f < 3; f++) {
          mx[(3 * i + f) * hidden + j] = i < degree[j] ? 1f : 0f; // hidden j sees channels < m_j
        }
        for (int o = 0; o < 3 * k; o++) {
          mo[j * channels * 3 * k + i * 3 * k + o] = degree[j] <= i ? 1f : 0f; // output i sees m_j <= i
        }
      }
    }
    maskX = params.fixed(mx, 3L * channels, hidden);
    maskO = params.fixed(mo, hidden, (long) channels * 3 * k);
  }

  /** [x, elu(x), elu(-x)] per channel, channel-major: [B, N, c] -> [B, N, 3c]. */
  private static NDArray features(NDArray x) {
    Shape s = x.getShape();
    NDArray f = x.expandDims(-1).concat(Nd.elu(x).expandDims(-1), -1).concat(Nd.elu(x.neg()).expandDims(-1), -1);
    return f.reshape(s.get(0), s.get(1), 3 * s.get(2));
  }

  /**
   * Every channel's mixture from the context and the channels before it.
   *
   * @param logPi log pi_k, [B, N, c, K]
   * @param means m_k, [B, N, c, K]
   * @param logScales log s_k, soft-clamped, [B, N, c, K]
   * @param std (x - m_k) / s_k, [B, N, c, K]
   * @param logPdf log p_mix(x_i) per channel, [B, N, c]
   */
  private record Mixtures(NDArray logPi, NDArray means, NDArray logScales, NDArray std, NDArray logPdf) {}

  private Mixtures mixtures(NDArray x, NDArray ctx) {
    NDManager scope = x.getManager();
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    NDArray pre = Nd.linear(ctx, wc, b1).add(features(x).matMul(Nd.scoped(wx.mul(maskX), scope))); // [B, N, H]
    NDArray out = Nd.linear(Nd.geluTanh(pre), Nd.scoped(wo.mul(maskO), scope), bo); // [B, N, c*3K]
    out = Nd.f64(out.reshape(b, n, channels, 3, k)); // [B, N, c, 3, K]
    NDArray logPi = out.get("..., 0, :").logSoftmax(-1); // [B, N, c, K]
    NDArray means = out.get("..., 1, :");
    NDArray logScales = out.get("..., 2, :").div(LOG_SCALE_BOUND).tanh().mul(LOG_SCALE_BOUND);
    NDArray std = Nd.f64(x).expandDims(-1).sub(means).mul(logScales.neg().exp()); // (x - m_k) / s_k
    NDArray logPdf = Nd.logSumExp(logPi.add(Nd.standardNormalLogPdf(std)).sub(logScales), -1); // log p_mix(x_i), [B, N, c]
    return new Mixtures(logPi, means, logScales, std, logPdf);
  }

  /** [B, N], float64: a cast would cut the gradient. */
  @Override
  public NDArray logDensity(NDArray x, NDArray ctx) {
    return mixtures(x, ctx).logPdf().sum(new int[] {-1});
  }

  @Override
  public CouplingResult forward(NDArray x, NDArray ctx) {
    Mixtures m = mixtures(x, ctx);
    NDArray[] phi = Normal.cdfBothSides(m.std()); // Phi(+-(x - m_k) / s_k), each from its own tail
    NDArray pi = m.logPi().exp();
    NDArray h = Normal.fromTails(pi.mul(phi[0]).sum(new int[] {-1}), pi.mul(phi[1]).sum(new int[] {-1})); // Phi^-1(F(x))
    NDArray logDet = m.logPdf().sub(Nd.standardNormalLogPdf(h)); // log p_mix(x) - log N(h)
    return new CouplingResult(Nd.as(h, x.getDataType()), Nd.as(logDet, x.getDataType()),
        m.logPdf().sum(new int[] {-1}), Map.of("logits", m.logPi(), "means", m.means(), "scales", m.logScales().exp()));
  }

  /** The context's share of the hidden pre-activation: ctx Wc + b1, [B, 1, H]. */
  @Override
  public NDArray stepParams(NDArray ctx) {
    return Nd.linear(ctx, wc, b1);
  }

  /**
   * The inverse reads the MADE head on the host, in float64: a float64 model's inverse must not
   * round its weights to float32.
   */
  @Override
  public InverseMap inverseMap() {
    NDManager tmp = wx.getManager().newSubManager();
    try (tmp) {
      HostHead head = new HostHead(
          rows(Nd.hostDoubles(Nd.scoped(wx.mul(maskX), tmp)), 3 * channels, hidden),
          rows(Nd.hostDoubles(Nd.scoped(wo.mul(maskO), tmp)), hidden, channels * 3 * k),
          Nd.hostDoubles(bo));
      return (contextPre, h) -> inverse(head, contextPre, h);
    }
  }

  /** The masked MADE weights on the host: wx [3c][H], wo [H][c*3K], bo [c*3K]. */
  private record HostHead(double[][] wx, double[][] wo, double[] bo) {}

  /** Channel by channel, as the MADE ordering allows: x_i = F_i^-1(Phi(h_i)), then x_i enters the hidden units. */
  private double[] inverse(HostHead head, double[] contextPre, double[] h) {
    double[] pre = contextPre.clone();
    double[] act = new double[hidden];
    double[] x = new double[channels];
    for (int i = 0; i < channels; i++) {
      for (int j = 0; j < hidden; j++) {
        act[j] = Normal.geluTanh(pre[j]);
      }
      double xi = mixtureOf(head, act, i).fromGaussian(h[i]); // x_i = F^-1(Phi(h_i))
      x[i] = xi;
      double[] feat = {xi, Normal.elu(xi), Normal.elu(-xi)};
      for (int f = 0; f < 3; f++) {
        double[] row = head.wx()[3 * i + f];
        for (int j = 0; j < hidden; j++) {
          pre[j] += feat[f] * row[j]; // channel i enters the hidden units that may see it
        }
      }
    }
    return x;
  }

  /** Channel i's mixture (pi, m, s) from the hidden activations: the host copy of the MADE head. */
  private Mixture1D mixtureOf(HostHead head, double[] act, int i) {
    double[] raw = new double[3 * k];
    for (int o = 0; o < 3 * k; o++) {
      int col = i * 3 * k + o;
      double v = head.bo()[col];
      for (int j = 0; j < hidden; j++) {
        v += act[j] * head.wo()[j][col];
      }
      raw[o] = v;
    }
    double[] logPi = new double[k];
    double[] m = new double[k];
    double[] s = new double[k];
    for (int c = 0; c < k; c++) {
      logPi[c] = raw[c];
      m[c] = raw[k + c];
      s[c] = Math.exp(Math.tanh(raw[2 * k + c] / LOG_SCALE_BOUND) * LOG_SCALE_BOUND);
    }
    return Mixture1D.ofLogWeights(logPi, m, s);
  }

  private static double[][] rows(double[] flat, int r, int c) {
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        out[i][j] = flat[i * c + j];
      }
    }
    return out;
  }
}
