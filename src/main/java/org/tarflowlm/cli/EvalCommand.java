package org.tarflowlm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tarflowlm.corpus.Corpus;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.TextFiles;
import org.tarflowlm.runtime.Compressors;
import org.tarflowlm.runtime.EvalResult;
import org.tarflowlm.runtime.GenerationListener;
import org.tarflowlm.runtime.GenerationRequest;
import org.tarflowlm.runtime.GenerationResult;
import org.tarflowlm.runtime.InfillStudy;
import org.tarflowlm.runtime.ModelRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Bits per character of a text under one model, or a comparison table of several on the test split. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Bits per character of a text file (--text), or --compare MODEL... on the test split.")
final class EvalCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Option(names = "--text", description = "text file to score (default: the test split)")
  Path text;

  @Option(names = "--splits", description = "corpus splits folder (default: ${DEFAULT-VALUE})")
  Path splits = Path.of("data", "splits");

  @Option(names = "--chars", description = "score only the first N characters (0: all)")
  int chars;

  @Option(names = "--samples", description = "encoder samples; above 1 adds the importance-weighted bound (default: ${DEFAULT-VALUE})")
  int samples = 1;

  @Option(names = "--seed", description = "seed of the encoder noise (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--batch", description = "windows per forward pass (default: ${DEFAULT-VALUE})")
  int batch = 16;

  @Option(names = "--compare", arity = "1..*", description = "model folders to compare in one table")
  List<Path> compare;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Option(names = "--infill", paramLabel = "WINDOWS", description = "the infill study instead: WINDOWS windows of "
      + "the text, each with one span of 5 to 15 characters blanked, filled reading both sides against a "
      + "continuation of the left side only; bits per character of the whole window after each")
  int infillWindows;

  @Option(names = "--window", description = "characters per window of the infill study (default: ${DEFAULT-VALUE})")
  int window = 64;

  @Override
  public Integer call() throws Exception {
    String body = text != null ? TextFiles.read(text) : Corpus.load(splits).test();
    String normalized = org.tarflowlm.model.Vocabulary.normalize(body).strip();
    if (chars > 0 && normalized.length() > chars) {
      normalized = normalized.substring(0, chars);
    }
    if (infillWindows > 0) {
      return infillStudy(normalized);
    }
    List<Path> models = compare != null ? compare : List.of(options.model);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Path m : models) {
      try (ModelRuntime rt = ModelRuntime.open(m, options.device)) {
        EvalResult r = rt.evaluate(normalized, samples, seed, batch, () -> false);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", rt.name());
        row.put("patch", rt.isBaseline() ? 1 : rt.config().patchSize());
        row.put("bpc", r.bitsPerChar());
        if (samples > 1) {
          row.put("iwBpc", r.iwBitsPerChar());
        }
        row.put("chars", r.chars());
        row.put("evalCharsPerSecond", r.charsPerSecond());
        if (compare != null) {
          GenerationResult g = rt.generate(GenerationRequest.of("", Math.min(256, rt.config().seqLen()), 1.0, seed),
              GenerationListener.NONE, () -> false);
          row.put("generateCharsPerSecond", g.charsPerSecond());
          row.put("stepsPerChar", g.sequentialSteps() / (double) g.continuation().length());
        }
        rows.add(row);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("chars", normalized.length());
    if (compare != null) {
      out.put("xzBpc", Compressors.xzBitsPerChar(normalized));
      out.put("gzipBpc", Compressors.gzipBitsPerChar(normalized));
    }
    out.put("models", rows);
    if (json) {
      System.out.println(ConfigJson.GSON.toJson(out));
      return 0;
    }
    System.out.printf("%,d characters%s%n", normalized.length(), text == null ? " of the test split" : " of " + text);
    System.out.printf("%-14s %5s %8s %8s %12s %12s %10s%n", "model", "P", "bpc", "iw bpc", "eval char/s", "gen char/s", "steps/char");
    for (Map<String, Object> row : rows) {
      System.out.printf("%-14s %5s %8.4f %8s %12.0f %12s %10s%n", row.get("model"), row.get("patch"), row.get("bpc"),
          row.containsKey("iwBpc") ? String.format("%.4f", row.get("iwBpc")) : "-", row.get("evalCharsPerSecond"),
          row.containsKey("generateCharsPerSecond") ? String.format("%.0f", row.get("generateCharsPerSecond")) : "-",
          row.containsKey("stepsPerChar") ? String.format("%.2f", row.get("stepsPerChar")) : "-");
    }
    if (compare != null) {
      System.out.printf("%-14s %5s %8.4f%n%-14s %5s %8.4f%n", "xz -9", "", out.get("xzBpc"), "gzip -9", "", out.get("gzipBpc"));
    }
    return 0;
  }

  private int infillStudy(String normalized) throws Exception {
    try (ModelRuntime rt = ModelRuntime.open(options.model, options.device)) {
      InfillStudy.Design design = new InfillStudy.Design(infillWindows, window, 5, 15, Math.max(samples, 1), seed);
      InfillStudy r = InfillStudy.run(rt, normalized, design, (done, a, b) -> {
        if (!json && done % 25 == 0) {
          System.err.printf("%d windows...%n", done);
        }
      }, () -> false);
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", rt.name());
        out.put("design", design);
        out.put("result", r);
        System.out.println(ConfigJson.GSON.toJson(out));
        return 0;
      }
      System.out.printf("%s, %d windows of %d characters of %s, one span of 5-15 characters blanked in each "
              + "(ELBO, %d encoder sample(s), seed %d):%n", rt.name(), r.windows(), window,
          text == null ? "the test split" : text, design.samples(), seed);
      System.out.printf("  infill (reads both sides)          %.4f bits/char%n", r.infillBpc());
      System.out.printf("  left side only, right side appended %.4f bits/char%n", r.leftOnlyBpc());
      System.out.printf("  difference (left-only - infill)    %+.4f +- %.4f (standard error)%n", r.meanDifference(),
          r.standardError());
      System.out.printf("  infill better in %d of %d windows (%.0f%%), worse in %d, the same characters written in %d; %.0f s%n",
          r.infillBetter(), r.windows(), 100.0 * r.infillBetter() / r.windows(),
          r.windows() - r.infillBetter() - r.sameText(), r.sameText(), r.seconds());
    }
    return 0;
  }
}
