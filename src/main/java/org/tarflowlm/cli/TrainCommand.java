package org.tarflowlm.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tarflowlm.corpus.Corpus;
import org.tarflowlm.corpus.CorpusSplits;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.runtime.DeviceChoice;
import org.tarflowlm.train.TrainConfig;
import org.tarflowlm.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Trains a model from a JSON training config into a run folder, or resumes a run. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a TarFlowLM or the baseline; Ctrl-C writes a checkpoint, --resume continues it.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--config", description = "training config JSON (not needed with --resume)")
  Path config;

  @Option(names = "--run", required = true, description = "run folder: checkpoint, curves, best model")
  Path run;

  @Option(names = "--resume", description = "continue the run folder's checkpoint")
  boolean resume;

  @Option(names = "--splits", description = "corpus splits folder (default: ${DEFAULT-VALUE})")
  Path splits = Path.of("data", "splits");

  @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
  String device = "auto";

  @Override
  public Integer call() throws Exception {
    Path configFile = resume ? run.resolve(Trainer.TRAIN_CONFIG) : config;
    if (configFile == null) {
      throw new IllegalArgumentException("give --config FILE, or --resume with an existing --run folder");
    }
    if (!resume && Files.exists(run.resolve(Trainer.CHECKPOINT))) {
      throw new IllegalArgumentException(run + " already holds a run; use --resume or another --run folder");
    }
    TrainConfig tc = ConfigJson.read(configFile, TrainConfig.class);
    CorpusSplits data = Corpus.load(splits);
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    try (NDManager manager = NDManager.newBaseManager(DeviceChoice.pick(device))) {
      Trainer trainer = new Trainer(tc, run, data.train(), data.validation(), manager, System.out, resume);
      Thread hook = new Thread(() -> {
        stop.set(true);
        try {
          finished.await(120, java.util.concurrent.TimeUnit.SECONDS); // let the loop write its checkpoint
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      System.out.printf("training %s (%,d parameters, %s) on %s, %d stage(s), %,d steps%n", tc.model().type(),
          trainer.model().params().count(), trainer.model().params().dtype(), manager.getDevice(), tc.stages(),
          tc.totalSteps());
      try {
        trainer.run(stop::get);
      } finally {
        finished.countDown();
      }
    }
    return 0;
  }
}
