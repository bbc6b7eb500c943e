package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.FlowForward;
import org.tarflowlm.model.FlowInverse;
import org.tarflowlm.model.FlowLayer;
import org.tarflowlm.model.HostCodebook;
import org.tarflowlm.model.InverseListener;
import org.tarflowlm.model.InverseSchedule;
import org.tarflowlm.model.JacobiInverse;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.Nd;
import org.tarflowlm.model.RandomStream;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.model.Vocabulary;

/**
 * Generation by inverting the flow (design page, section 5): draw u ~ N(0, tau^2 I), invert the
 * layers from the last to the first, one autoregressive pass each, and decode after every pass.
 *
 * <p>Every generation fills a {@link Template}: a prompt is the template whose blanks all follow
 * it, infill puts them anywhere. Fixed characters' latents are fixed to the codebook means; every
 * pass keeps the fixed positions at the values the forward flow gives for the current whole
 * sequence and inverts only the blanks; then the forward flow refreshes those values and the passes
 * run again, until the written characters stop changing.
 *
 * <p>When the fixed positions come first and every layer but the last runs left to right, the
 * first iteration is already exact: each layer's input at a fixed position depends only on the
 * fixed positions, so a second iteration would reproduce the first, and it is skipped. That is the
 * prompt case of every shipped model. Infill needs the iterations: a right-to-left reading of
 * the text after a blank, or blanks before a fixed position, make the fixed values depend on what
 * is written.
 */
public final class FlowGenerator {
  private final TarFlowLM model;
  private final NDManager manager;
  private final HostCodebook decoder;

  public FlowGenerator(TarFlowLM model, NDManager manager) {
    this.model = model;
    this.manager = manager;
    this.decoder = HostCodebook.of(model.codebook());
  }

  public GenerationResult generate(GenerationRequest req, GenerationListener listener, BooleanSupplier cancelled) {
    long start = System.nanoTime();
    int p = model.config().patchSize();
    String normalized = NormalizedText.of(req.prompt()).normalized();
    PromptLayout layout = PromptLayout.of(normalized, req.length(), p);
    String prompt = layout.prompt();
    int t = layout.total();
    if (t > model.config().seqLen()) {
      throw new IllegalArgumentException("prompt (" + prompt.length() + " characters) plus length (" + req.length()
          + ") is more than the model's context of " + model.config().seqLen() + " characters");
    }
    Written w = write(Template.continuation(prompt, t - prompt.length()), req.temperature(), req.seed(),
        req.useCache(), req.maxIterations(), req.decoding(), listener, cancelled);
    String cont = w.text().substring(prompt.length(), prompt.length() + req.length());
    return new GenerationResult(req, prompt, prompt + cont, cont, w.passes(), w.iterations(), w.converged(),
        w.steps(), (System.nanoTime() - start) / 1e9);
  }

  /** Fills every blank of a template, reading the fixed characters on both sides of it. */
  public InfillResult infill(Template template, double temperature, long seed, int maxIterations,
      GenerationListener listener, BooleanSupplier cancelled) {
    return infill(template, temperature, seed, maxIterations, Decoding.SEQUENTIAL, listener, cancelled);
  }

  /** The same, inverting each layer as {@code decoding} says. */
  public InfillResult infill(Template template, double temperature, long seed, int maxIterations, Decoding decoding,
      GenerationListener listener, BooleanSupplier cancelled) {
    long start = System.nanoTime();
    checkFits(template, model.config());
    int p = model.config().patchSize();
    int t = (template.length() + p - 1) / p * p;
    // The end is padded to whole patches with fixed spaces, as eval pads a text.
    boolean[] fixed = java.util.Arrays.copyOf(template.fixed(), t);
    java.util.Arrays.fill(fixed, template.length(), t, true);
    Written w = write(new Template(template.text() + " ".repeat(t - template.length()), fixed), temperature, seed,
        true, maxIterations, decoding, listener, cancelled);
    return new InfillResult(template, w.text().substring(0, template.length()), w.passes(), w.iterations(),
        w.converged(), w.steps(), (System.nanoTime() - start) / 1e9);
  }

  /** Refuses a template longer than the context (padded to whole patches, it still fits when this passes). */
  static void checkFits(Template template, ModelConfig cfg) {
    if (template.length() > cfg.seqLen()) {
      throw new IllegalArgumentException("the template has " + template.length()
          + " characters, more than the model's context of " + cfg.seqLen() + " characters");
    }
  }

  private record Written(String text, List<PassResult> passes, int iterations, boolean converged, long steps) {}

  /**
   * The inverse passes over a template of whole patches. A patch is fixed when all its characters
   * are; a patch with a blank is written whole.
   */
  private Written write(Template template, double temperature, long seed, boolean useCache, int maxIterations,
      Decoding decoding, GenerationListener listener, BooleanSupplier cancelled) {
    ModelConfig cfg = model.config();
    int p = cfg.patchSize();
    int d = cfg.latentDim();
    int c = cfg.channels();
    int n = template.length() / p;
    int layers = model.layers().size();
    boolean[] isFixed = new boolean[n];
    boolean anyFixed = false;
    boolean prefix = true; // the fixed positions come first
    for (int i = 0; i < n; i++) {
      isFixed[i] = true;
      for (int j = 0; j < p; j++) {
        isFixed[i] &= template.fixed()[i * p + j];
      }
      anyFixed |= isFixed[i];
      prefix &= !isFixed[i] || i == 0 || isFixed[i - 1];
    }
    boolean exactInOne = !anyFixed || prefix && lowerLayersRunLeftToRight();
    Noise noise = new Noise(seed, RandomStream.Purpose.GENERATION);
    double[][] u = new double[n][c];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < c; j++) {
        u[i][j] = temperature * noise.next(); // u ~ N(0, tau^2 I)
      }
    }
    double[][] z = initialLatent(template, isFixed, n, c);
    List<PassResult> passes = new ArrayList<>();
    String noiseText = decodeState(u, layers - 1);
    listener.onStart(template, noiseText);
    String written = null;
    int iterations = 0;
    boolean converged = false;
    long steps = 0;
    InverseSchedule schedule = decoding.schedule(useCache);
    while (iterations < (exactInOne ? 1 : maxIterations)) {
      FlowInverse inverse = model.inverse(u, anyFixed ? isFixed : null, anyFixed ? layerInputs(z, d) : null, schedule,
          reporter(iterations, noiseText, passes, listener, cancelled), manager);
      steps += inverse.steps();
      z = inverse.z();
      iterations++;
      String next = blanksOf(passes.get(passes.size() - 1).text(), isFixed, p);
      if (exactInOne || next.equals(written)) {
        converged = true;
        break;
      }
      written = next;
    }
    return new Written(decodeState(z, 0), passes, iterations, converged, steps);
  }

  /**
   * What one iteration's inverse tells the listener: every position in words, every Jacobi sweep,
   * and every finished layer as a pass (kept in {@code passes}). It stops the inverse when
   * cancelled, at the next position or after the sweep in flight.
   */
  private InverseListener reporter(int iteration, String noiseText, List<PassResult> passes,
      GenerationListener listener, BooleanSupplier cancelled) {
    int p = model.config().patchSize();
    return new InverseListener() {
      private String previous = passes.isEmpty() ? noiseText : passes.get(passes.size() - 1).text();

      @Override
      public void onPosition(int layer, int step, int index, double[] x) {
        listener.onStep(iteration, layer + 1, step, index * p, decodePosition(x, layer));
        stopIfCancelled();
      }

      @Override
      public void onSweep(int layer, JacobiInverse.Sweep sweep) {
        listener.onSweep(new SweepResult(iteration, layer + 1, sweep.sweep(), decodeState(sweep.x(), layer),
            sweep.frontier() * p, sweep.changed(), sweep.maxChange()));
        stopIfCancelled();
      }

      @Override
      public void onLayer(int layer, double[][] x) {
        String text = decodeState(x, layer);
        PassResult result = new PassResult(iteration, layer + 1, text, tokenLatents(x, layer),
            PassResult.differences(previous, text));
        passes.add(result);
        listener.onPass(result);
        previous = text;
      }

      private void stopIfCancelled() {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("generation stopped");
        }
      }
    };
  }

  /** Whether every layer below the last runs left to right (the last one's direction never matters). */
  private boolean lowerLayersRunLeftToRight() {
    List<FlowLayer> all = model.layers();
    for (int l = 0; l < all.size() - 1; l++) {
      if (all.get(l).config().direction() != Direction.LEFT_TO_RIGHT) {
        return false;
      }
    }
    return true;
  }

  /** The characters of the written (not fixed) positions, in order. */
  private static String blanksOf(String text, boolean[] isFixed, int p) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < isFixed.length; i++) {
      if (!isFixed[i]) {
        sb.append(text, i * p, i * p + p);
      }
    }
    return sb.toString();
  }

  /**
   * Inverts every layer from a given noise u ([1][N][c], the last layer's output space) and
   * decodes the result: the text that u stands for.
   */
  public String decodeNoise(double[][] u, BooleanSupplier cancelled) {
    InverseListener stop = new InverseListener() {
      @Override
      public void onLayer(int layer, double[][] x) {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("decoding stopped");
        }
      }
    };
    return decodeState(model.inverse(u, null, null, InverseSchedule.CACHED, stop, manager).z(), 0);
  }

  /** z with the codebook means at the fixed positions and zeros at the blanks: [N][c]. */
  private double[][] initialLatent(Template template, boolean[] isFixed, int n, int c) {
    double[][] z = new double[n][c];
    try (NDManager scope = manager.newSubManager()) {
      NDArray ids = scope.create(Vocabulary.encode(template.text()), new Shape(1, template.length()));
      NDArray means = model.toPositions(model.codebook().means(ids, scope)); // [1, N, c]
      double[][] rows = Host.doubleRows(means);
      for (int i = 0; i < n; i++) {
        if (isFixed[i]) {
          z[i] = rows[i];
        }
      }
    }
    return z;
  }

  /** The input of every layer for the current z [N][c], from a forward run: [L][N][c]. */
  private double[][][] layerInputs(double[][] z, int d) {
    int n = z.length;
    int c = z[0].length;
    double[] flat = new double[n * c];
    for (int i = 0; i < n; i++) {
      System.arraycopy(z[i], 0, flat, i * c, c);
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray zt = Nd.fromHost(scope, flat, new Shape(1, (long) n * c / d, d), model.params().dtype());
      FlowForward f = model.forward(zt);
      double[][][] out = new double[f.inputs().size()][][];
      for (int l = 0; l < out.length; l++) {
        out[l] = Host.doubleRows(f.inputs().get(l));
      }
      return out;
    }
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
      sb.append(Vocabulary.symbol(decoder.decode(v, off)));
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
