package org.tarflowlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.ModelFormatException;

class TrainConfigsTest {
  @Test
  void everyShippedTrainingConfigIsValid() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("configs"))) {
      files = s.filter(p -> p.toString().endsWith(".train.json")).toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      TrainConfig tc = ConfigJson.read(f, TrainConfig.class);
      assertTrue(tc.totalSteps() > 0, f.toString());
    }
  }

  @Test
  void baselineHasTheSameBudgetAsTheDefaultModel() throws IOException {
    TrainConfig flow = ConfigJson.read(Path.of("configs/mixd-p1.train.json"), TrainConfig.class);
    TrainConfig ar = ConfigJson.read(Path.of("configs/ar-baseline.train.json"), TrainConfig.class);
    assertEquals(flow.totalSteps(), ar.totalSteps());
    assertEquals(flow.batch(), ar.batch());
    assertEquals(flow.model().seqLen(), ar.model().seqLen());
    assertEquals(flow.model().layers().stream().mapToInt(l -> l.depth()).sum(),
        ar.model().layers().stream().mapToInt(l -> l.depth()).sum(), "same number of transformer layers");
    assertEquals(flow.model().layers().get(0).width(), ar.model().layers().get(0).width());
  }

  @Test
  void codebookSigmaIsRefusedForTheBaselineAndWhenNegative() throws IOException {
    TrainConfig ar = ConfigJson.read(Path.of("configs/ar-baseline.train.json"), TrainConfig.class);
    assertEquals(0, ar.codebookSigma(), "absent means the model's default");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ar.withInit(0.1, 0));
    assertTrue(e.getMessage().contains("no codebook"), e.getMessage());
    TrainConfig flow = ConfigJson.read(Path.of("configs/mixd-p1.train.json"), TrainConfig.class);
    assertThrows(IllegalArgumentException.class, () -> flow.withInit(-0.1, 0));
  }

  @Test
  void precisionDefaultsToWhatTheConfigsWithoutItWereTrainedIn(@TempDir Path dir) throws IOException {
    assertTrue(ConfigJson.read(Path.of("configs/mixd-p2.train.json"), TrainConfig.class).float64(),
        "a joint config without a precision was trained in float64");
    assertFalse(ConfigJson.read(Path.of("configs/experiments/mixd-p1.train.json"), TrainConfig.class).float64(),
        "a progressive one in float32");
    assertFalse(ConfigJson.read(Path.of("configs/mixd-p1.train.json"), TrainConfig.class).float64(),
        "the joint mixd-p1 config asks for float32");
    Path f = dir.resolve("typo.train.json");
    Files.writeString(f, Files.readString(Path.of("configs/mixd-p1.train.json"))
        .replace("\"precision\": \"float32\"", "\"precision\": \"fp32\""));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(f, TrainConfig.class));
    assertTrue(e.getMessage().contains("$.precision: unknown value 'fp32', expected one of [float32, float64]"),
        e.getMessage());
  }

  @Test
  void aMisspeltOrMissingScheduleIsRefusedWithTheAllowedOnes(@TempDir Path dir) throws IOException {
    String joint = Files.readString(Path.of("configs/mixd-p1.train.json"));
    Path typo = Files.writeString(dir.resolve("typo.train.json"), joint.replace("\"joint\"", "\"jointly\""));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(typo, TrainConfig.class));
    assertTrue(e.getMessage().contains("$.schedule: unknown value 'jointly', expected one of [progressive, joint]"),
        e.getMessage());
    Path none = Files.writeString(dir.resolve("none.train.json"), joint.replace("\"schedule\": \"joint\",", ""));
    e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(none, TrainConfig.class));
    assertTrue(e.getMessage().contains("needs a schedule, 'progressive' or 'joint'"), e.getMessage());
  }

  /** Schedule and precision are written back as the files spell them, and no precision where there was none. */
  @Test
  void everyRunsScheduleAndPrecisionAreWrittenBackAsSpelt() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("runs"))) {
      files = s.filter(p -> p.getFileName().toString().equals(Trainer.TRAIN_CONFIG)).toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      JsonObject read = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
      JsonObject written = ConfigJson.GSON.toJsonTree(ConfigJson.read(f, TrainConfig.class)).getAsJsonObject();
      assertEquals(read.get("schedule"), written.get("schedule"), f.toString());
      assertEquals(read.get("precision"), written.get("precision"), f.toString());
    }
  }

  @Test
  void aNullStageStepIsRefusedLikeAnyOtherInvalidOne(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("null-step.train.json");
    Files.writeString(f, Files.readString(Path.of("configs/experiments/smoke.train.json"))
        .replace("\"stageSteps\": [20, 10]", "\"stageSteps\": [20, null]"));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(f, TrainConfig.class));
    assertEquals(f + ": not a valid TrainConfig: stageSteps needs 2 positive entries, got [20, null]", e.getMessage());
  }

  @Test
  void invalidConfigIsRefusedWithTheFileName(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"model\": {\"type\": \"tarflowlm\", \"vocabSize\": 26}}");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(f, TrainConfig.class));
    assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
  }
}
