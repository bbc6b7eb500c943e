package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.DiscreteLM;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.ModelConfig;

class ModelCardTest {
  private static final String TEXT = "the quick brown fox jumps over the lazy dog and the dog sleeps in the sun ".repeat(3);
  private static final RunFacts RUN = new RunFacts("tiny-joint", "{\n  \"schedule\": \"joint\"\n}", true, 2000, 2, 64,
      1200, 120, List.of(3.1, 2.9), 7, "");

  @Test
  void aFlowsCardSaysHowItWasTrainedAndWhatItMeasures() {
    try (NDManager m = NDManager.newBaseManager()) {
      ModelConfig config = RuntimeFixtures.config(1, 32, Direction.RIGHT_TO_LEFT);
      ModelRuntime rt = ModelRuntime.of(RuntimeFixtures.model(config, m), m, "tiny");
      String md = new ModelCard(2, 1).markdown(rt, "tiny", RUN, TEXT, TEXT);
      assertTrue(md.startsWith("# tiny\n\nA TarFlowLM character model, trained"), md);
      assertTrue(md.contains("- layer 3: affine, left to right, 1 block, width 16, 2 heads\n"), md);
      assertTrue(md.contains("Command: `bin/tarflowlm train --config runs/tiny-joint/train.json --run runs/tiny-joint`"), md);
      assertTrue(md.contains("```json\n{\n  \"schedule\": \"joint\"\n}\n```\n"), md);
      assertTrue(md.contains("- steps done: 1,200 of 2,000 (76,800 characters seen), wall time 2 min on this 2-core CPU\n"), md);
      assertTrue(md.contains("- training speed: 640 characters per second on average\n"), md);
      assertTrue(md.contains("on the first 64 validation characters): stage 1: 3.1000, stage 2: 2.9000\n"), md);
      assertTrue(md.contains("- curves: `runs/tiny-joint/curves.csv` (7 evaluations)\n"), md);
      assertTrue(md.contains("`bin/tarflowlm card --run runs/tiny-joint --model models/tiny` (evaluation seed 1)"), md);
      assertTrue(md.contains("| split | characters | bpc (ELBO) | bpc (IW, 2 samples) | eval char/s |\n"), md);
      assertTrue(md.contains("| validation | 221 | ") && md.contains(" | - | "), "one validation sample: no IW bound\n" + md);
      assertTrue(md.contains("the layers were trained jointly"), md);
      String layers = md.substring(md.indexOf("| layers | bpc | change |"), md.indexOf("## Samples"));
      assertEquals(5, layers.strip().lines().count(), "a header, a rule and one row per prefix of the stack: " + layers);
      assertTrue(md.contains("| pass | layer inverted |") && md.contains("| 3 | 1 | "), "the third pass inverts layer 1: " + md);
      EvalResult test = rt.evaluate(TEXT, 2, 1, 16, () -> false);
      assertTrue(md.contains(String.format("| test | 221 | %.4f | %.4f | ", test.bitsPerChar(), test.iwBitsPerChar())),
          "the test row is the evaluation with 2 samples, seed 1: " + md);
    }
  }

  /** A card is a file in the repository: a German or French default locale must not write 3,1000 for 3.1. */
  @Test
  void theCardReadsTheSameInEveryLocale() {
    Locale before = Locale.getDefault();
    try (NDManager m = NDManager.newBaseManager()) {
      ModelConfig flow = RuntimeFixtures.config(1, 32, Direction.RIGHT_TO_LEFT);
      ModelConfig config = new ModelConfig(ModelConfig.AR_BASELINE, 27, 5, 1, 32, flow.layers(), 5);
      ModelRuntime rt = ModelRuntime.of(new DiscreteLM(config, m), m, "ar");
      String root = new ModelCard(1, 1).markdown(rt, "ar", RUN, TEXT, TEXT);
      Locale.setDefault(Locale.GERMANY);
      String german = new ModelCard(1, 1).markdown(rt, "ar", RUN, TEXT, TEXT);
      assertTrue(german.contains("stage 1: 3.1000, stage 2: 2.9000") && german.contains("1,200 of 2,000"), german);
      assertEquals(withoutSpeeds(root), withoutSpeeds(german));
    } finally {
      Locale.setDefault(before);
    }
  }

  /** The card with its measured speeds blanked: they differ from one run to the next. */
  private static String withoutSpeeds(String md) {
    return md.replaceAll("[0-9,]+ char/s", "N char/s").replaceAll("\\| [0-9,]+ \\|\\n", "| N |\n");
  }

  @Test
  void theBaselinesCardDescribesItsBodyAndSkipsTheFlowSections() {
    try (NDManager m = NDManager.newBaseManager()) {
      ModelConfig flow = RuntimeFixtures.config(1, 32, Direction.RIGHT_TO_LEFT);
      ModelConfig config = new ModelConfig(ModelConfig.AR_BASELINE, 27, 5, 1, 32, flow.layers(), 5);
      ModelRuntime rt = ModelRuntime.of(new DiscreteLM(config, m), m, "ar");
      String md = new ModelCard(2, 1).markdown(rt, "ar", RUN, TEXT, TEXT);
      assertTrue(md.startsWith("# ar\n\nThe discrete autoregressive baseline, trained"), md);
      assertTrue(md.contains("- body: causal transformer, left to right, 3 blocks, width 16, 2 heads\n"), md);
      assertTrue(md.contains("| split | characters | bpc | eval char/s |\n|---|---|---|---|\n"), md);
      assertTrue(!md.contains("What each layer adds") && !md.contains("Refinement"), md);
      assertEquals(3, md.lines().filter(l -> l.startsWith("- seed ")).count(), md);
    }
  }

  /** A run the Python twin trained is quoted with its own command, the run folder as it was given. */
  @Test
  void aPythonTrainedRunsCardQuotesItsOwnCommand() {
    try (NDManager m = NDManager.newBaseManager()) {
      ModelConfig flow = RuntimeFixtures.config(1, 32, Direction.RIGHT_TO_LEFT);
      ModelConfig config = new ModelConfig(ModelConfig.AR_BASELINE, 27, 5, 1, 32, flow.layers(), 5);
      ModelRuntime rt = ModelRuntime.of(new DiscreteLM(config, m), m, "ar");
      String python = "python -m tarflowlm train --config /data/exp/r1/train.json --run /data/exp/r1";
      RunFacts run = new RunFacts("r1", RUN.configJson(), true, 2000, 2, 64, 1200, 120, List.of(3.1), 7, python);
      String md = new ModelCard(1, 1).markdown(rt, "ar", run, TEXT, TEXT);
      assertTrue(md.contains("Command: `" + python + "`; after a stop"), md);
      assertTrue(!md.contains("bin/tarflowlm train"), md);
    }
  }
}
