package org.tarflowlm.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tarflowlm.corpus.Corpus;
import org.tarflowlm.corpus.CorpusSplits;
import org.tarflowlm.io.AtomicFiles;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.ModelFolder;
import org.tarflowlm.io.Safetensors;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.LayerInput;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.runtime.EvalResult;
import org.tarflowlm.runtime.GenerationListener;
import org.tarflowlm.runtime.GenerationRequest;
import org.tarflowlm.runtime.GenerationResult;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.PassResult;
import org.tarflowlm.train.Schedule;
import org.tarflowlm.train.TrainConfig;
import org.tarflowlm.train.TrainState;
import org.tarflowlm.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a model folder's card.md from what was measured: the training run (config, steps, wall
 * time, speed, per-stage validation) and fresh evaluations of the validation and test splits.
 */
@Command(name = "card", mixinStandardHelpOptions = true,
    description = "Measure a trained model and write its card.md (copies the run's best weights first with --install).")
final class CardCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, description = "the training run folder")
  Path run;

  @Option(names = "--model", required = true, description = "the model folder to write the card into")
  Path model;

  @Option(names = "--install", description = "copy the run's best config and weights into --model first")
  boolean install;

  @Option(names = "--splits", description = "corpus splits folder (default: ${DEFAULT-VALUE})")
  Path splits = Path.of("data", "splits");

  @Option(names = "--samples", description = "encoder samples for the importance-weighted bound (default: ${DEFAULT-VALUE})")
  int samples = 4;

  @Option(names = "--validation-samples", description = "encoder samples on the validation split; 1 skips its importance-weighted bound (default: ${DEFAULT-VALUE})")
  int validationSamples = 1;

  @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
  String device = "auto";

  @Override
  public Integer call() throws Exception {
    if (install) {
      Files.createDirectories(model);
      Path best = run.resolve(Trainer.BEST);
      Files.copy(best.resolve(ModelFolder.CONFIG), model.resolve(ModelFolder.CONFIG), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(best.resolve(ModelFolder.WEIGHTS), model.resolve(ModelFolder.WEIGHTS), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    // The explorer's Model card tab plots these; they are small and say how the weights were made.
    Files.copy(run.resolve(Trainer.CURVES), model.resolve(Trainer.CURVES), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(run.resolve(Trainer.TRAIN_CONFIG), model.resolve(Trainer.TRAIN_CONFIG), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    TrainConfig tc = ConfigJson.read(run.resolve(Trainer.TRAIN_CONFIG), TrainConfig.class);
    TrainState state = TrainState.read(run);
    List<String> curves = Files.readAllLines(run.resolve(Trainer.CURVES));
    CorpusSplits data = Corpus.load(splits);
    StringBuilder md = new StringBuilder();
    try (ModelRuntime rt = ModelRuntime.open(model, device)) {
      ModelConfig cfg = rt.config();
      boolean flow = !cfg.isBaseline();
      int s = flow ? samples : 1;
      EvalResult val = rt.evaluate(data.validation(), flow ? validationSamples : 1, 1, 16, () -> false);
      EvalResult test = rt.evaluate(data.test(), s, 1, 16, () -> false);
      md.append("# ").append(model.getFileName()).append("\n\n");
      md.append(flow ? "A TarFlowLM character model" : "The discrete autoregressive baseline")
          .append(", trained with this repository's code on the State of the Union + Brown corpus (text8-style, 27 symbols: id 0 is space, 1..26 are a..z).\n\n");
      md.append("## Layout\n\n");
      md.append(String.format("- %s, V = %d, d = %d, P = %d, context %d characters, %,d parameters%n", cfg.type(),
          cfg.vocabSize(), cfg.latentDim(), cfg.patchSize(), cfg.seqLen(), rt.parameterCount()));
      LayerConfig first = cfg.layers().get(0);
      if (flow) {
        for (int i = 0; i < cfg.layers().size(); i++) {
          md.append("- layer ").append(i + 1).append(": ").append(cfg.layers().get(i).summary()).append('\n');
        }
        if (first.input() == LayerInput.POSTERIOR) {
          md.append("- p(k | z): layer 1's transformer reads each earlier position's decoder posterior beside z\n");
        }
      } else {
        md.append(String.format("- body: causal transformer, left to right, %d blocks, width %d, %d heads%n",
            cfg.totalDepth(), first.width(), first.heads()));
      }
      md.append("\n## Training\n\n");
      // The card names the run it measured and the config the run folder keeps, so a model trained
      // under another run name (a joint run installed as mixd-p4) still points at its own config and curves.
      String runName = run.getFileName().toString();
      md.append("Command: `bin/tarflowlm train --config runs/").append(runName).append("/train.json --run runs/")
          .append(runName).append("`; after a stop, the same command with `--resume` continues from the last checkpoint.\n\n");
      md.append("```json\n").append(ConfigJson.GSON.toJson(tc)).append("\n```\n\n");
      double seconds = state.seconds();
      int step = state.step();
      md.append(String.format("- steps done: %,d of %,d (%,d characters seen), wall time %.0f min on this 2-core CPU%n", step,
          tc.totalSteps(), (long) step * tc.batch() * cfg.seqLen(), seconds / 60));
      md.append(String.format("- training speed: %,.0f characters per second on average%n", step * (double) tc.batch() * cfg.seqLen() / seconds));
      md.append("- best validation bpc of each stage (during training, on the first ").append(String.format("%,d", tc.evalChars()))
          .append(" validation characters): ").append(stageBest(state.stageBest())).append("\n");
      md.append("- curves: `runs/").append(runName).append("/curves.csv` (").append(curves.size() - 1).append(" evaluations)\n\n");
      md.append("## Measured\n\n");
      md.append("`bin/tarflowlm card --run runs/").append(runName).append(" --model models/").append(model.getFileName())
          .append("` (evaluation seed 1)\n\n");
      md.append("| split | characters | bpc").append(flow ? " (ELBO)" : "").append(flow ? " | bpc (IW, " + s + " samples)" : "")
          .append(" | eval char/s |\n|---|---|---|").append(flow ? "---|" : "").append("---|\n");
      row(md, "validation", val, flow);
      row(md, "test", test, flow);
      if (flow && cfg.layers().size() > 1) {
        md.append("\n### What each layer adds (test split, ELBO, evaluation seed 1)\n\n");
        md.append(tc.schedule() == Schedule.JOINT
            ? "Each row scores the test text with the first layers only; the layers were trained jointly, so no row but the last was a model of its own in training.\n\n"
            : "Each row scores the test text with the first layers only, the model that training stage fitted.\n\n");
        md.append("| layers | bpc | change |\n|---|---|---|\n");
        double previous = Double.NaN;
        for (int l = 1; l <= cfg.layers().size(); l++) {
          double bpc = rt.evaluate(data.test(), l, 1, 1, 16, () -> false).bitsPerChar();
          md.append(String.format("| 1..%d | %.4f | %s |%n", l, bpc, Double.isNaN(previous) ? "" : String.format("%+.4f", bpc - previous)));
          previous = bpc;
        }
      }
      md.append("\n## Samples\n\n");
      List<GenerationResult> samples = new ArrayList<>();
      for (long seed : new long[] {1, 2, 3}) {
        GenerationResult g = rt.generate(GenerationRequest.of("", Math.min(200, cfg.seqLen()), 1.0, seed),
            GenerationListener.NONE, () -> false);
        samples.add(g);
        md.append(String.format("- seed %d, temperature 1.0 (%.0f char/s): `%s`%n", seed, g.charsPerSecond(), g.text()));
      }
      if (flow) {
        refinement(md, samples);
      }
    }
    AtomicFiles.writeString(model.resolve(ModelFolder.CARD), md.toString());
    System.out.print(md);
    return 0;
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
      md.append(String.format("| %d | %d | %.1f | %.1f%% |%n", i + 1, samples.get(0).passes().get(i).layer(),
          changed / samples.size(), 100 * inPlace / samples.size()));
    }
  }

  private static String stageBest(List<Double> values) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(String.format("stage %d: %.4f", i + 1, values.get(i)));
    }
    return String.join(", ", out);
  }

  private static void row(StringBuilder md, String split, EvalResult r, boolean flow) {
    md.append(String.format("| %s | %,d | %.4f |%s %,.0f |%n", split, r.chars(), r.bitsPerChar(),
        !flow ? "" : r.samples() > 1 ? String.format(" %.4f |", r.iwBitsPerChar()) : " - |", r.charsPerSecond()));
  }
}
