package org.tarflowlm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tarflowlm.corpus.Corpus;
import org.tarflowlm.corpus.CorpusSplits;
import org.tarflowlm.io.AtomicFiles;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.ModelFolder;
import org.tarflowlm.io.Safetensors;
import org.tarflowlm.runtime.ModelCard;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.RunFacts;
import org.tarflowlm.runtime.TrainingCurves;
import org.tarflowlm.train.Schedule;
import org.tarflowlm.train.TrainConfig;
import org.tarflowlm.train.TrainState;
import org.tarflowlm.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a model folder's card.md ({@link ModelCard}) from the training run (config, steps, wall
 * time, per-stage validation, curves) and fresh measurements of the model on the corpus splits.
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
    RunFacts facts = new RunFacts(run.getFileName().toString(), ConfigJson.GSON.toJson(tc),
        tc.schedule() == Schedule.JOINT, tc.totalSteps(), tc.batch(), tc.evalChars(), state.step(), state.seconds(),
        state.stageBest(), TrainingCurves.read(run.resolve(Trainer.CURVES)).points().size(), trainedBy(run));
    CorpusSplits data = Corpus.load(splits);
    String md;
    try (ModelRuntime rt = ModelRuntime.open(model, device)) {
      md = new ModelCard(samples, validationSamples).markdown(rt, model.getFileName().toString(), facts,
          data.validation(), data.test());
    }
    AtomicFiles.writeString(model.resolve(ModelFolder.CARD), md);
    System.out.print(md);
    return 0;
  }

  /** The command its checkpoint records (the Python trainer writes one), or empty. */
  private static String trainedBy(Path run) throws java.io.IOException {
    Path checkpoint = run.resolve(Trainer.CHECKPOINT);
    return Files.exists(checkpoint) ? Safetensors.readMetadata(checkpoint).getOrDefault("command", "") : "";
  }
}
