package org.tarflowlm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tarflowlm.model.DiscreteLM;
import org.tarflowlm.model.LanguageModel;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.ModelTooLargeException;
import org.tarflowlm.model.TarFlowLM;

/**
 * A model on disk is a folder: {@code config.json} (the {@link ModelConfig}),
 * {@code model.safetensors} (float32 parameters under the names of {@code Params}) and
 * {@code card.md} (what it is, how it was trained, what it measures).
 */
public final class ModelFolder {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String CARD = "card.md";
  /** The format this code writes and reads (docs/FORMAT.md); a file of another major version is refused. */
  public static final String FORMAT = "tarflowlm/1";

  private ModelFolder() {}

  /** The config of a model folder, validated. */
  public static ModelConfig readConfig(Path dir) throws IOException {
    requireFolder(dir);
    return ConfigJson.read(dir.resolve(CONFIG), ModelConfig.class);
  }

  /** Builds the model a folder describes on the manager's device and loads its weights, in float32. */
  public static LanguageModel load(Path dir, NDManager manager) throws IOException {
    return load(dir, manager, DataType.FLOAT32);
  }

  /** The same with parameters of a given float type (the weights file holds float32). */
  public static LanguageModel load(Path dir, NDManager manager, DataType dtype) throws IOException {
    ModelConfig config = readConfig(dir);
    Path weights = requireWeights(dir.resolve(WEIGHTS));
    // A config from anywhere may describe any size: the weights file bounds it before anything is
    // built. It holds at least 4 bytes a trained value; the fixed arrays (masks, the channel mix)
    // are at most as many again, plus a margin for small models.
    long budget = 2 * (Files.size(weights) / 4) + (1 << 20);
    LanguageModel model;
    try {
      model = create(config, manager, dtype, budget);
    } catch (ModelTooLargeException e) {
      throw new ModelFormatException(dir.resolve(CONFIG), "describes a model larger than its weights file "
          + weights.getFileName() + " (" + Files.size(weights) + " bytes) can hold: " + e.getMessage());
    }
    loadWeights(model, weights);
    return model;
  }

  /** A freshly initialised model of a config. */
  public static LanguageModel create(ModelConfig config, NDManager manager) {
    return create(config, manager, DataType.FLOAT32);
  }

  /** A freshly initialised model whose parameters have the given float type. */
  public static LanguageModel create(ModelConfig config, NDManager manager, DataType dtype) {
    return create(config, manager, dtype, Long.MAX_VALUE);
  }

  /** The same, refused with {@link ModelTooLargeException} past {@code budget} values in all. */
  private static LanguageModel create(ModelConfig config, NDManager manager, DataType dtype, long budget) {
    return config.isBaseline() ? new DiscreteLM(config, manager, dtype, budget)
        : new TarFlowLM(config, manager, dtype, budget);
  }

  private static Path requireWeights(Path file) throws ModelFormatException {
    if (!Files.isRegularFile(file)) {
      throw new ModelFormatException(file, "file not found (a model folder needs its weights)");
    }
    return file;
  }

  /**
   * Refuses a weights file whose {@code format} names another major version: its names, shapes or
   * formulas may differ, and read as this version it would give wrong numbers without an error. A
   * file without the key (another tool's) is read and checked by its names and shapes alone.
   */
  private static void checkFormat(Path file) throws IOException {
    String format = Safetensors.readMetadata(file).get("format");
    if (format != null && !format.equals(FORMAT) && !format.startsWith(FORMAT + ".")) {
      throw new ModelFormatException(file, "is in format " + format + ", and this version of TarFlowLM Explorer reads "
          + FORMAT + " only (docs/FORMAT.md)");
    }
  }

  /** Loads a safetensors file into a model whose shapes it must match exactly. */
  public static void loadWeights(LanguageModel model, Path file) throws IOException {
    requireWeights(file);
    checkFormat(file);
    Map<String, long[]> expected = new LinkedHashMap<>();
    model.params().all().forEach((name, a) -> expected.put(name, a.getShape().getShape()));
    Map<String, Safetensors.Tensor> tensors = Safetensors.read(file, expected);
    for (Safetensors.Tensor t : tensors.values()) {
      if (t.isF64()) {
        model.params().load(t.name(), t.data64());
      } else {
        model.params().load(t.name(), t.data());
      }
    }
  }

  /** Writes the weights of a model (float32) atomically. */
  public static void saveWeights(LanguageModel model, Path file, Map<String, String> metadata) throws IOException {
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : model.params().all().entrySet()) {
      try (NDArray f32 = e.getValue().toType(DataType.FLOAT32, true)) {
        tensors.add(new Safetensors.Tensor(e.getKey(), e.getValue().getShape().getShape(), f32.toFloatArray()));
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Safetensors.write(file, tensors, metadata);
  }

  /** Writes config and weights (not the card) into a folder. */
  public static void save(LanguageModel model, Path dir) throws IOException {
    Files.createDirectories(dir);
    ConfigJson.write(dir.resolve(CONFIG), model.config());
    saveWeights(model, dir.resolve(WEIGHTS), Map.of("format", FORMAT, "type", model.config().type()));
  }

  private static void requireFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new ModelFormatException(dir, "not a model folder (it should hold " + CONFIG + " and " + WEIGHTS + ")");
    }
  }
}
