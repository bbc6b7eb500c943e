package org.tarflowlm.train;

import java.util.Arrays;
import org.tarflowlm.model.Params;

/**
 * The training config's initialisation choices, applied by parameter name once, before the first
 * step, over the model's own draw: {@code codebookSigma} sets every {@code codebook.log_sigma},
 * {@code inputInitStd} rescales every transformer's {@code *.in.w}. A value of 0 keeps the model's default.
 */
final class Initialization {
  private Initialization() {}

  static void apply(TrainConfig config, Params params) {
    if (config.codebookSigma() > 0) {
      float[] logSigma = new float[config.model().vocabSize()];
      Arrays.fill(logSigma, (float) Math.log(config.codebookSigma()));
      params.load("codebook.log_sigma", logSigma);
    }
    if (config.inputInitStd() > 0) {
      params.all().forEach((name, w) -> {
        if (name.endsWith(".in.w")) {
          long channels = w.getShape().get(0); // w [channels, D]
          w.muli(config.inputInitStd() * Math.sqrt(channels)); // N(0, 1/c) -> N(0, inputInitStd^2)
        }
      });
    }
  }
}
