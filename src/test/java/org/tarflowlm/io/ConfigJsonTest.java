package org.tarflowlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarflowlm.model.LanguageModel;
import org.tarflowlm.model.LayerInput;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.TarFlowLM;

class ConfigJsonTest {
  @TempDir Path dir;

  private static String config(String firstInput, String secondInput) {
    return """
        {"type": "tarflowlm", "vocabSize": 27, "latentDim": 5, "patchSize": 1, "seqLen": 8, "seed": 1,
         "layers": [
           {"coupling": "mixd", "direction": "ltr", "depth": 1, "width": 16, "heads": 2, "components": 0%s},
           {"coupling": "mix1", "direction": "rtl", "depth": 1, "width": 16, "heads": 2, "components": 2%s}]}
        """.formatted(firstInput, secondInput);
  }

  @Test
  void aLayerWithoutAnInputReadsTheLatentsSoOldModelsStillLoad() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), config("", ""));
    ModelConfig c = ConfigJson.read(file, ModelConfig.class);
    assertEquals(LayerInput.LATENT, c.layers().get(0).input());
    assertEquals(LayerInput.LATENT, c.layers().get(1).input());
  }

  @Test
  void posteriorInputRoundTrips() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), config(", \"input\": \"posterior\"", ""));
    ModelConfig c = ConfigJson.read(file, ModelConfig.class);
    assertEquals(LayerInput.POSTERIOR, c.layers().get(0).input());
    Path again = dir.resolve("again.json");
    ConfigJson.write(again, c);
    assertEquals(c, ConfigJson.read(again, ModelConfig.class));
  }

  @Test
  void posteriorInputAfterTheFirstLayerIsRejected() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), config("", ", \"input\": \"posterior\""));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertTrue(e.getMessage().contains("only the first layer"), e.getMessage());
  }

  @Test
  void aMisspeltInputIsRejectedRatherThanReadAsLatent() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), config(", \"input\": \"posteriors\"", ""));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertTrue(e.getMessage().contains("posteriors"), e.getMessage());
  }

  @Test
  void aMisspeltCouplingIsNamedWithWhereItIs() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), config("", "").replace("\"mix1\"", "\"mix-1\""));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertTrue(e.getMessage().contains("$.layers[1].coupling: unknown value 'mix-1', expected one of [affine, mix1, mixd]"),
        e.getMessage());
  }

  @Test
  void aNullLayerIsRefusedWithItsIndex() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), config("", "").replace("\"layers\": [", "\"layers\": [null, "));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertEquals(file + ": not a valid ModelConfig: layer 0 is null rather than a layer", e.getMessage());
  }

  @Test
  void aMalformedNumberIsRefusedInWords() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), config("", "").replace("\"seqLen\": 8", "\"seqLen\": eight"));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertEquals(file + ": a number in it is malformed", e.getMessage());
  }

  @Test
  void aValueOfTheWrongShapeIsNamedInWordsWithoutGsonsTokensOrLink() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"type\": \"tarflowlm\", \"layers\": \"mixd\"}");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertEquals(file + ": not a valid ModelConfig: expected a list but was a string at $.layers (line 1, column 34)",
        e.getMessage());
    Path object = Files.writeString(dir.resolve("config.json"), "{\"type\": \"tarflowlm\", \"seqLen\": {}}");
    e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(object, ModelConfig.class));
    assertEquals(file + ": not a valid ModelConfig: expected an int but was an object at $.seqLen (line 1, column 34)",
        e.getMessage());
  }

  @Test
  void aFileLargerThanAnyConfigIsRefusedWithoutReadingIt() throws IOException {
    Path file = dir.resolve("config.json");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: reading it would take 3 GiB
    }
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertEquals(file + ": file is 3221225472 bytes, more than the 1048576 a config may have", e.getMessage());
  }

  @Test
  void aBinaryFileIsRefusedAsNotText() throws IOException {
    Path file = Files.write(dir.resolve("config.json"), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertEquals(file + ": not UTF-8 text (is it a binary file?)", e.getMessage());
  }

  @Test
  void brokenJsonIsRefusedWithWhereItBreaks() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"type\": \"tarflowlm\",\n \"seqLen\": 8 9}");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ConfigJson.read(file, ModelConfig.class));
    assertEquals(file + ": not well-formed JSON (line 2, column 15)", e.getMessage());
  }

  @Test
  void aPosteriorInputModelSavesAndLoadsWithItsWiderInputProjection() throws IOException {
    ModelConfig c = ConfigJson.read(
        Files.writeString(dir.resolve("config.json"), config(", \"input\": \"posterior\"", "")), ModelConfig.class);
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = new TarFlowLM(c, m);
      Path folder = dir.resolve("model");
      ModelFolder.save(model, folder);
      LanguageModel back = ModelFolder.load(folder, m);
      assertEquals(c, back.config());
      assertEquals(new Shape(5 + 27, 16), back.params().all().get("layer0.in.w").getShape());
      assertEquals(new Shape(5, 16), back.params().all().get("layer1.in.w").getShape());
    }
  }
}
