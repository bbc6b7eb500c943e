package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tarflowlm.model.ChannelMix;
import org.tarflowlm.model.FlowForward;
import org.tarflowlm.model.FlowLayer;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.RandomStream;
import org.tarflowlm.model.TarFlowLM;

/**
 * Generation by inverting the flow (design page, section 5): draw u ~ N(0, tau^2 I), invert the
 * layers from the last to the first, one autoregressive pass each, and decode after every pass.
 *
 * <p>With a prompt the prompt's latents are fixed to the codebook means; every pass keeps the
 * prompt positions at the values the forward flow gives for the current whole sequence and
 * inverts only the continuation; then the forward flow refreshes those values and the passes run
 * again, until the decoded continuation stops changing. In a stack whose layers all run left to
 * right the first iteration is already exact (the prompt's values never depend on what follows),
 * so the second reproduces it. In a right-to-left layer the prompt's latents depend on the
 * continuation after them, which is what the iterations settle.
 */
public final class FlowGenerator {
  private final TarFlowLM model;
  private final NDManager manager;
  private final HostDecoder decoder;

  public FlowGenerator(TarFlowLM model, NDManager manager) {
    this.model = model;
    this.manager = manager;
    this.decoder = new HostDecoder(model.codebook());
  }

  public GenerationResult generate(GenerationRequest req, GenerationListener listener, BooleanSupplier cancelled) {
    long start = System.nanoTime();
    ModelConfig cfg = model.config();
    int p = cfg.patchSize();
    int d = cfg.latentDim();
    int c = cfg.channels();
    String normalized = NormalizedText.of(req.prompt()).normalized();
    String prompt = normalized.isEmpty() ? "" : " ".repeat((p - normalized.length() % p) % p) + normalized;
    int t = (prompt.length() + req.length() + p - 1) / p * p;
    if (t > cfg.seqLen()) {
      throw new IllegalArgumentException("prompt (" + prompt.length() + " characters) plus length (" + req.length()
          + ") is more than the model's context of " + cfg.seqLen() + " characters");
    }
    int n = t / p;
    int promptPositions = prompt.length() / p;
    int layers = model.layers().size();
    listener.onStart(prompt + " ".repeat(t - prompt.length()));

    Noise noise = new Noise(req.seed(), RandomStream.Purpose.GENERATION);
    double[][][] u = new double[1][n][c];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < c; j++) {
        u[0][i][j] = req.temperature() * noise.next(); // u ~ N(0, tau^2 I)
      }
    }
    boolean[] isFixed = new boolean[n];
    for (int i = 0; i < promptPositions; i++) {
      isFixed[i] = true;
    }
    double[][][] z = initialLatent(prompt, n, c);
    List<PassResult> passes = new ArrayList<>();
    String previousText = decodeState(u[0], layers - 1);
    String continuation = null;
    int iterations = 0;
    boolean converged = promptPositions == 0;
    int maxIterations = promptPositions == 0 ? 1 : req.maxIterations();
    while (iterations < maxIterations) {
      double[][][][] fixed = promptPositions == 0 ? null : layerInputs(z, d);
      double[][][] cur = u;
      for (int l = layers - 1; l >= 0; l--) {
        FlowLayer layer = model.layers().get(l);
        int layerIndex = l;
        int iteration = iterations;
        double[][][] x = layer.inverse(cur, fixed == null ? null : fixed[l], isFixed, req.useCache(), manager,
            (step, idx, value) -> listener.onStep(iteration, layerIndex + 1, step, idx * p,
                decodePosition(value, layerIndex)),
            cancelled);
        String text = decodeState(x[0], l);
        PassResult pass = new PassResult(iterations, l + 1, text, tokenLatents(x[0], l), PassResult.differences(previousText, text));
        passes.add(pass);
        listener.onPass(pass);
        previousText = text;
        cur = l > 0 ? unmixAll(x, model.channelMix()) : x;
      }
      z = cur;
      iterations++;
      String next = previousText.substring(prompt.length());
      if (next.equals(continuation)) {
        converged = true;
        break;
      }
      continuation = next;
    }
    String text = decodeState(z[0], 0);
    String cont = text.substring(prompt.length(), prompt.length() + req.length());
    return new GenerationResult(req, prompt, text.substring(0, prompt.length()) + cont, cont, passes, iterations,
        converged, (long) n * layers * iterations, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Inverts every layer from a given noise u ([1][N][c], the last layer's output space) and
   * decodes the result: the text that u stands for.
   */
  public String decodeNoise(double[][][] u, BooleanSupplier cancelled) {
    double[][][] cur = u;
    for (int l = model.layers().size() - 1; l >= 0; l--) {
      double[][][] x = model.layers().get(l).inverse(cur, null, null, true, manager, (s, i, v) -> { }, cancelled);
      cur = l > 0 ? unmixAll(x, model.channelMix()) : x;
    }
    return decodeState(cur[0], 0);
  }

  /** z with the prompt's codebook means in front and zeros after: [1][N][c]. */
  private double[][][] initialLatent(String prompt, int n, int c) {
    double[][][] z = new double[1][n][c];
    if (prompt.isEmpty()) {
      return z;
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray ids = scope.create(org.tarflowlm.model.Vocabulary.encode(prompt), new Shape(1, prompt.length()));
      NDArray means = model.toPositions(model.codebook().means(ids, scope)); // [1, prompt/P, c]
      double[][] rows = Host.doubleRows(means);
      System.arraycopy(rows, 0, z[0], 0, rows.length);
    }
    return z;
  }

  /** The input of every layer for the current z, from a forward run: [L][1][N][c]. */
  private double[][][][] layerInputs(double[][][] z, int d) {
    int n = z[0].length;
    int c = z[0][0].length;
    float[] flat = new float[n * c];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < c; j++) {
        flat[i * c + j] = (float) z[0][i][j];
      }
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray zt = scope.create(flat, new Shape(1, (long) n * c / d, d)).toType(model.params().dtype(), false);
      FlowForward f = model.forward(zt);
      double[][][][] out = new double[f.inputs().size()][][][];
      for (int l = 0; l < out.length; l++) {
        out[l] = new double[][][] {Host.doubleRows(f.inputs().get(l))};
      }
      return out;
    }
  }

  private static double[][][] unmixAll(double[][][] x, ChannelMix mix) {
    double[][][] out = new double[x.length][x[0].length][];
    for (int b = 0; b < x.length; b++) {
      for (int i = 0; i < x[b].length; i++) {
        out[b][i] = mix.unmix(x[b][i]);
      }
    }
    return out;
  }

  /** One position of layer l's space back in token order (channel mixing undone). */
  private double[] toTokenOrder(double[] position, int layer) {
    double[] v = position;
    for (int i = 0; i < layer; i++) {
      v = model.channelMix().unmix(v);
    }
    return v;
  }

  private String decodePosition(double[] position, int layer) {
    double[] v = toTokenOrder(position, layer);
    int d = model.config().latentDim();
    StringBuilder sb = new StringBuilder();
    for (int off = 0; off < v.length; off += d) {
      sb.append(decoder.decode(v, off));
    }
    return sb.toString();
  }

  private String decodeState(double[][] positions, int layer) {
    StringBuilder sb = new StringBuilder();
    for (double[] pos : positions) {
      sb.append(decodePosition(pos, layer));
    }
    return sb.toString();
  }

  private float[][] tokenLatents(double[][] positions, int layer) {
    int d = model.config().latentDim();
    List<float[]> out = new ArrayList<>();
    for (double[] pos : positions) {
      double[] v = toTokenOrder(pos, layer);
      for (int off = 0; off < v.length; off += d) {
        float[] tok = new float[d];
        for (int i = 0; i < d; i++) {
          tok[i] = (float) v[off + i];
        }
        out.add(tok);
      }
    }
    return out.toArray(new float[0][]);
  }
}
