package org.tarflowlm.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.LayerInput;
import org.tarflowlm.model.ModelConfig;

/**
 * A model folder's {@code card.md}, from what is measured on the model: fresh evaluations of the
 * validation and test splits (and, for a stack, of each prefix of its layers), three samples and
 * how gradually their passes refined them, beside what the training run says of itself.
 * Evaluations use seed 1 and samples seeds 1, 2, 3, so two cards of one model differ only in speeds.
 *
 * @param samples encoder samples of the test split's importance-weighted bound (flows only)
 * @param validationSamples encoder samples on the validation split; 1 skips its importance-weighted bound
 */
public record ModelCard(int samples, int validationSamples) {
  /** Sequences per evaluation batch. */
  private static final int BATCH = 16;
  /** Seed of every evaluation's encoder noise. */
  private static final long EVAL_SEED = 1;

  /**
   * Measures {@code rt} and writes its card.
   *
   * @param modelName the model folder's name; the card points at {@code models/NAME}
   * @param validation the validation split's text
   * @param test the test split's text
   */
  public String markdown(ModelRuntime rt, String modelName, RunFacts run, String validation, String test) {
    ModelConfig cfg = rt.config();
    boolean flow = !cfg.isBaseline();
    int s = flow ? samples : 1;
    EvalResult val = rt.evaluate(validation, flow ? validationSamples : 1, EVAL_SEED, BATCH, () -> false);
    EvalResult testResult = rt.evaluate(test, s, EVAL_SEED, BATCH, () -> false);
    StringBuilder md = new StringBuilder();
    md.append("# ").append(modelName).append("\n\n");
    md.append(flow ? "A TarFlowLM character model" : "The discrete autoregressive baseline")
        .append(", trained with this repository's code on the State of the Union + Brown corpus (text8-style, 27 symbols: id 0 is space, 1..26 are a..z).\n\n");
    layout(md, cfg, rt.parameterCount());
    training(md, cfg, run);
    md.append("## Measured\n\n");
    md.append("`bin/tarflowlm card --run runs/").append(run.name()).append(" --model models/").append(modelName)
        .append("` (evaluation seed 1)\n\n");
    md.append("| split | characters | bpc").append(flow ? " (ELBO)" : "").append(flow ? " | bpc (IW, " + s + " samples)" : "")
        .append(" | eval char/s |\n|---|---|---|").append(flow ? "---|" : "").append("---|\n");
    row(md, "validation", val, flow);
    row(md, "test", testResult, flow);
    if (flow && cfg.layers().size() > 1) {
      layers(md, rt, run, test);
    }
    md.append("\n## Samples\n\n");
    List<GenerationResult> generated = new ArrayList<>();
    for (long seed : new long[] {1, 2, 3}) {
      GenerationResult g = rt.generate(GenerationRequest.of("", Math.min(200, cfg.seqLen()), 1.0, seed),
          GenerationListener.NONE, () -> false);
      generated.add(g);
      md.append(String.format(Locale.ROOT, "- seed %d, temperature 1.0 (%.0f char/s): `%s`%n", seed, g.charsPerSecond(), g.text()));
    }
    if (flow) {
      refinement(md, generated);
    }
    return md.toString();
  }

  private static void layout(StringBuilder md, ModelConfig cfg, long parameters) {
    md.append("## Layout\n\n");
    md.append(String.format(Locale.ROOT, "- %s, V = %d, d = %d, P = %d, context %d characters, %,d parameters%n", cfg.type(),
        cfg.vocabSize(), cfg.latentDim(), cfg.patchSize(), cfg.seqLen(), parameters));
    LayerConfig first = cfg.layers().get(0);
    if (!cfg.isBaseline()) {
      for (int i = 0; i < cfg.layers().size(); i++) {
        md.append("- layer ").append(i + 1).append(": ").append(cfg.layers().get(i).summary()).append('\n');
      }
      if (first.input() == LayerInput.POSTERIOR) {
        md.append("- p(k | z): layer 1's transformer reads each earlier position's decoder posterior beside z\n");
      }
    } else {
      md.append(String.format(Locale.ROOT, "- body: causal transformer, left to right, %d blocks, width %d, %d heads%n",
          cfg.totalDepth(), first.width(), first.heads()));
    }
  }

  private static void training(StringBuilder md, ModelConfig cfg, RunFacts run) {
    md.append("\n## Training\n\n");
    // The card names the run it measured and the config the run folder keeps, so a model trained
    // under another run name (a joint run installed as mixd-p4) still points at its own config and curves.
    // A run the Python twin trained says its own command, with the run folder as it was given.
    String command = run.command().isEmpty()
        ? "bin/tarflowlm train --config runs/" + run.name() + "/train.json --run runs/" + run.name()
        : run.command();
    md.append("Command: `").append(command)
        .append("`; after a stop, the same command with `--resume` continues from the last checkpoint.\n\n");
    md.append("```json\n").append(run.configJson()).append("\n```\n\n");
    md.append(String.format(Locale.ROOT, "- steps done: %,d of %,d (%,d characters seen), wall time %.0f min on this 2-core CPU%n",
        run.step(), run.totalSteps(), (long) run.step() * run.batch() * cfg.seqLen(), run.seconds() / 60));
    md.append(String.format(Locale.ROOT, "- training speed: %,.0f characters per second on average%n",
        run.step() * (double) run.batch() * cfg.seqLen() / run.seconds()));
    md.append("- best validation bpc of each stage (during training, on the first ").append(String.format(Locale.ROOT, "%,d", run.evalChars()))
        .append(" validation characters): ").append(stageBest(run.stageBest())).append("\n");
    md.append("- curves: `runs/").append(run.name()).append("/curves.csv` (").append(run.evaluations()).append(" evaluations)\n\n");
  }

  /** What each prefix of the stack scores on the test text: the model each progressive stage fitted. */
  private static void layers(StringBuilder md, ModelRuntime rt, RunFacts run, String test) {
    md.append("\n### What each layer adds (test split, ELBO, evaluation seed 1)\n\n");
    md.append(run.joint()
        ? "Each row scores the test text with the first layers only; the layers were trained jointly, so no row but the last was a model of its own in training.\n\n"
        : "Each row scores the test text with the first layers only, the model that training stage fitted.\n\n");
    md.append("| layers | bpc | change |\n|---|---|---|\n");
    double previous = Double.NaN;
    for (int l = 1; l <= rt.config().layers().size(); l++) {
      double bpc = rt.evaluate(test, l, 1, EVAL_SEED, BATCH, () -> false).bitsPerChar();
      md.append(String.format(Locale.ROOT, "| 1..%d | %.4f | %s |%n", l, bpc, Double.isNaN(previous) ? "" : String.format(Locale.ROOT, "%+.4f", bpc - previous)));
      previous = bpc;
    }
  }

  /**
   * How gradual the multi-pass refinement is: per inverse pass, the characters it changed and the
   * share of the final text already in place after it, averaged over the samples.
   */
  private static void refinement(StringBuilder md, List<GenerationResult> samples) {
    md.append("\n### Refinement (the three samples above, mean)\n\n");
    md.append("| pass | layer inverted | characters changed | final characters in place |\n|---|---|---|---|\n");
    int passes = samples.get(0).passes().size();
    for (int i = 0; i < passes; i++) {
      double changed = 0;
      double inPlace = 0;
      for (GenerationResult g : samples) {
        String text = g.passes().get(i).text();
        changed += g.passes().get(i).changed();
        String passPart = text.substring(0, Math.min(text.length(), g.text().length())); // a pass also decodes the patch tail
        inPlace += 1 - (double) PassResult.differences(passPart, g.text()) / g.text().length();
      }
      md.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f%% |%n", i + 1, samples.get(0).passes().get(i).layer(),
          changed / samples.size(), 100 * inPlace / samples.size()));
    }
  }

  private static String stageBest(List<Double> values) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(String.format(Locale.ROOT, "stage %d: %.4f", i + 1, values.get(i)));
    }
    return String.join(", ", out);
  }

  private static void row(StringBuilder md, String split, EvalResult r, boolean flow) {
    md.append(String.format(Locale.ROOT, "| %s | %,d | %.4f |%s %,.0f |%n", split, r.chars(), r.bitsPerChar(),
        !flow ? "" : r.samples() > 1 ? String.format(Locale.ROOT, " %.4f |", r.iwBitsPerChar()) : " - |", r.charsPerSecond()));
  }
}
