package org.tarflowlm.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.tarflowlm.io.ModelFolder;
import org.tarflowlm.model.DiscreteLM;
import org.tarflowlm.model.LanguageModel;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.model.Vocabulary;

/**
 * One loaded model on one device, and everything the command line and the explorer ask of it.
 * Calls are serialized: the engine runs one model call at a time from any thread.
 */
public final class ModelRuntime implements AutoCloseable {
  private final Path folder;
  private final NDManager manager;
  private final LanguageModel model;

  private ModelRuntime(Path folder, NDManager manager, LanguageModel model) {
    this.folder = folder;
    this.manager = manager;
    this.model = model;
  }

  /**
   * Loads a model folder onto a device ({@code auto}, {@code cpu} or {@code gpu}): in float64 on
   * the CPU, float32 on a GPU. The mixture maps of a trained model are badly conditioned where the
   * next character is uncertain (|dx/dh| up to 1e4), so float32 contexts put 1e-3 errors into
   * inverse(forward(z)); float64 keeps the round trip near 1e-10 on real text at a small cost here,
   * where a step is bound by per-call overhead, not arithmetic.
   */
  public static ModelRuntime open(Path folder, String device) throws IOException {
    Device d = DeviceChoice.pick(device);
    return open(folder, d, d.isGpu() ? DataType.FLOAT32 : DataType.FLOAT64);
  }

  /** Loads a model folder onto a device in a given float type. */
  public static ModelRuntime open(Path folder, Device device, DataType dtype) throws IOException {
    NDManager manager = NDManager.newBaseManager(device);
    try {
      return new ModelRuntime(folder, manager, ModelFolder.load(folder, manager, dtype));
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Wraps a model already in memory (tests, benchmarks). */
  public static ModelRuntime of(LanguageModel model, NDManager manager, String name) {
    return new ModelRuntime(Path.of(name), manager, model);
  }

  public String name() {
    return folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
  }

  public Path folder() {
    return folder;
  }

  public ModelConfig config() {
    return model.config();
  }

  public LanguageModel model() {
    return model;
  }

  public boolean isBaseline() {
    return model.config().isBaseline();
  }

  public Device device() {
    return manager.getDevice();
  }

  /** True when the model runs on a GPU. */
  public boolean onGpu() {
    return device().isGpu();
  }

  public long parameterCount() {
    return model.params().count();
  }

  /** The model card, or an empty string when the folder has none. */
  public String card() throws IOException {
    Path card = folder.resolve(ModelFolder.CARD);
    return Files.exists(card) ? Files.readString(card) : "";
  }

  /** The training run's learning curves, when the folder ships them ({@code card --install} copies them). */
  public java.util.Optional<TrainingCurves> trainingCurves() throws IOException {
    Path csv = folder.resolve(TrainingCurves.FILE);
    return Files.exists(csv) ? java.util.Optional.of(TrainingCurves.read(csv)) : java.util.Optional.empty();
  }

  /** Bits per character of a long text, scored in windows of the context. */
  public synchronized EvalResult evaluate(String text, int samples, long seed, int batch, BooleanSupplier cancelled) {
    return evaluate(text, model.config().layers().size(), samples, seed, batch, cancelled);
  }

  /**
   * Bits per character with only the first {@code activeLayers} flow layers, the model that stage
   * {@code activeLayers} of progressive training fitted: the differences say what each layer adds.
   */
  public synchronized EvalResult evaluate(String text, int activeLayers, int samples, long seed, int batch,
      BooleanSupplier cancelled) {
    if (activeLayers < 1 || activeLayers > model.config().layers().size()) {
      throw new IllegalArgumentException("active layers must be 1.." + model.config().layers().size() + ", got " + activeLayers);
    }
    String normalized = Vocabulary.normalize(text).strip();
    return new Evaluator(model, manager, activeLayers).evaluate(normalized, samples, seed, batch, cancelled);
  }

  /**
   * Bits of a text that fits the context, total and per character; with samples > 1 also the
   * importance-weighted bound (flow only).
   */
  public TextBits bitsPerChar(String text, int samples, long seed) {
    return bitsPerChar(NormalizedText.of(text), samples, seed);
  }

  /**
   * Bits of a text exactly as {@code norm} reads it: score a generated text with
   * {@link NormalizedText#verbatim} so that every bit lines up with the character it belongs to.
   */
  public synchronized TextBits bitsPerChar(NormalizedText norm, int samples, long seed) {
    Tracer.padded(norm.normalized(), model.config()); // the same checks as a trace
    return model.match(flow -> {
      ForwardTrace trace = new Tracer(flow, manager, name()).trace(norm, seed);
      double iw = samples > 1
          ? new Evaluator(model, manager).evaluate(norm.normalized(), samples, seed, 1, () -> false).iwBitsPerChar()
          : Double.NaN;
      float[] per = java.util.Arrays.copyOf(trace.totalBits(), norm.normalized().length());
      return new TextBits(norm, trace.bitsPerChar(), iw, samples, per);
    }, lm -> {
      float[] per = discreteBits(lm, norm.normalized());
      double sum = 0;
      for (float b : per) {
        sum += b;
      }
      return new TextBits(norm, sum / per.length, Double.NaN, 1, per);
    });
  }

  /** -log2 p(x_t | x_<t) per character under the baseline. */
  private float[] discreteBits(DiscreteLM lm, String normalized) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray ids = scope.create(Vocabulary.encode(normalized), new Shape(1, normalized.length()));
      float[][] logp = Host.rows(lm.logProbs(ids));
      float[] bits = new float[normalized.length()];
      for (int t = 0; t < bits.length; t++) {
        bits[t] = (float) (-logp[t][Vocabulary.id(normalized.charAt(t))] / Math.log(2));
      }
      return bits;
    }
  }

  /** The forward trace of a text through every layer (flow models only). */
  public ForwardTrace trace(String text, long seed) {
    return trace(NormalizedText.of(text), seed);
  }

  /** The forward trace of a text exactly as {@code norm} reads it (flow models only). */
  public synchronized ForwardTrace trace(NormalizedText norm, long seed) {
    return new Tracer(flow("tracing"), manager, name()).trace(norm, seed);
  }

  /** Generates text; the listener hears every position and every pass. */
  public synchronized GenerationResult generate(GenerationRequest request, GenerationListener listener,
      BooleanSupplier cancelled) {
    return OneThread.run(() -> model.match(
        flow -> new FlowGenerator(flow, manager).generate(request, listener, cancelled),
        lm -> new DiscreteGenerator(lm, manager).generate(request, listener, cancelled)));
  }

  /**
   * Runs every path a first Generate, trace and infill take, once and briefly, so that the engine's
   * first-call costs (kernel selection, allocator growth, the JIT) are paid before the user waits.
   */
  public synchronized void warmUp(BooleanSupplier cancelled) {
    // As long as a playground generation: shorter ones left the JIT half done (a first Generate of
    // 120 characters after a prompt took 1.8 s against 0.3 s later).
    int length = Math.max(1, Math.min(120, model.config().seqLen() - 8));
    GenerationRequest prompted = new GenerationRequest("the ", length, 1.0, 0, true, 2);
    for (int i = 0; i < 3 && !cancelled.getAsBoolean(); i++) {
      NormalizedText text = NormalizedText.verbatim(generate(prompted, GenerationListener.NONE, cancelled).text());
      model.match(flow -> {
        trace(text, 1);
        return infill(Template.parse("the ____ of"), 1.0, 0, 2, GenerationListener.NONE, cancelled);
      }, lm -> bitsPerChar(text, 1, 1));
    }
  }

  /**
   * Fills the blanks of a template (flow models only: the discrete baseline reads left to right
   * and cannot use the text after a blank).
   */
  public synchronized InfillResult infill(Template template, double temperature, long seed, int maxIterations,
      GenerationListener listener, BooleanSupplier cancelled) {
    return infill(template, temperature, seed, maxIterations, Decoding.SEQUENTIAL, listener, cancelled);
  }

  /** The same, inverting each layer as {@code decoding} says. */
  public synchronized InfillResult infill(Template template, double temperature, long seed, int maxIterations,
      Decoding decoding, GenerationListener listener, BooleanSupplier cancelled) {
    TarFlowLM flow = flow("infill (the discrete baseline reads left to right only)");
    return OneThread.run(() -> new FlowGenerator(flow, manager)
        .infill(template, temperature, seed, maxIterations, decoding, listener, cancelled));
  }

  /** Refuses a template that infill cannot fill here, in words: the baseline, or a template longer than the context. */
  public void checkTemplate(Template template) {
    FlowGenerator.checkFits(template, flow("infill (the discrete baseline reads left to right only)").config());
  }

  /**
   * The end of a prompt that fits the context with {@code length} characters after it, as a
   * playground keeps the latest text; the prompt itself when it fits.
   */
  public String fitPrompt(String prompt, int length) {
    int p = model.config().isBaseline() ? 1 : model.config().patchSize();
    return PromptLayout.fit(NormalizedText.of(prompt).normalized(), length, p, model.config().seqLen());
  }

  /**
   * The round-trip health of every layer on a text: max |inverse(forward(x)) - x| per layer,
   * inverting with the same sampling pass generation uses.
   */
  public synchronized double[] roundTripErrors(String text, long seed) {
    return roundTripErrors(new Tracer(flow("a round trip"), manager, name()).trace(text, seed));
  }

  /**
   * The round-trip health of every layer on a trace this model made: from the trace's z, every
   * layer's input x and output h in the model's own precision, and max |inverse(h) - x|.
   */
  public synchronized double[] roundTripErrors(ForwardTrace trace) {
    return roundTrip(trace).maxForwardErrors();
  }

  /** The same, per position, with the backward error and the map's sensitivity beside the forward error. */
  public synchronized RoundTrip roundTrip(ForwardTrace trace) {
    return RoundTrip.of(flow("a round trip"), trace.states().get(0).latents(), manager);
  }

  /**
   * Interpolates between two texts in noise space: both are padded with spaces to a common length,
   * run forward to u (encoder sample from {@code seed}), and u is walked linearly from one to the
   * other in {@code steps} steps, each decoded by inverting the whole flow.
   */
  public synchronized Interpolation interpolate(String a, String b, int steps, long seed, BooleanSupplier cancelled) {
    return Interpolation.between(flow("interpolation"), manager, name(), a, b, steps, seed, cancelled);
  }

  /** The model's config as JSON, for run files. */
  public String configJson() {
    return new com.google.gson.Gson().toJson(model.config());
  }

  /** The codebook means, one row per symbol: [V][d] (flow models only). */
  public synchronized float[][] codebookMeans() {
    NDArray mu = flow("a codebook").codebook().mu();
    float[] flat = Host.floats(mu);
    int d = (int) mu.getShape().get(1);
    float[][] out = new float[flat.length / d][d];
    for (int k = 0; k < out.length; k++) {
      System.arraycopy(flat, k * d, out[k], 0, d);
    }
    return out;
  }

  /** The 2-D projection and coarse-to-fine measures of a trace's latents, with or without the codebook. */
  public LatentGeometry geometry(ForwardTrace trace, boolean withCodebook) {
    float[][][] states = new float[trace.states().size()][][];
    for (int s = 0; s < states.length; s++) {
      states[s] = trace.states().get(s).latents();
    }
    return LatentGeometry.of(states, withCodebook ? codebookMeans() : null);
  }

  /** The flow model, or an error in words for a baseline, which has no flow layers for {@code what}. */
  TarFlowLM flow(String what) {
    return model.match(flow -> flow, lm -> {
      throw new IllegalArgumentException(name() + " is the discrete baseline: it has no flow layers for " + what);
    });
  }


  @Override
  public void close() {
    manager.close();
  }
}
