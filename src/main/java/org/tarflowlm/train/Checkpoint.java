package org.tarflowlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.ModelFormatException;
import org.tarflowlm.io.Safetensors;
import org.tarflowlm.model.Params;

/**
 * A run's {@code checkpoint.safetensors} (docs/FORMAT.md, section 6): every parameter under its
 * name, AdamW's moments as {@code adam.m.NAME} and {@code adam.v.NAME}, and the metadata
 * {@code state} (the {@link TrainState} as JSON) and {@code adam_steps} (name -> update count). One
 * file, replaced atomically, so that a kill at any moment leaves a checkpoint to resume from.
 */
final class Checkpoint {
  private Checkpoint() {}

  /** Writes weights, optimizer state and run state in one file, atomically. */
  static void write(Path file, Params params, Adam adam, TrainState state) throws IOException {
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    params.all().forEach((name, a) -> tensors.add(tensor(name, a)));
    adam.state().forEach((name, a) -> tensors.add(tensor(name, a)));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("state", ConfigJson.GSON.toJson(state));
    meta.put("adam_steps", ConfigJson.GSON.toJson(adam.steps()));
    Safetensors.write(file, tensors, meta);
  }

  /** A checkpoint tensor in the array's own type: a float64 run resumes exactly only if nothing is rounded. */
  private static Safetensors.Tensor tensor(String name, NDArray a) {
    if (a.getDataType() == DataType.FLOAT64) {
      return Safetensors.Tensor.f64(name, a.getShape().getShape(), a.toDoubleArray());
    }
    try (NDArray f32 = a.toType(DataType.FLOAT32, true)) {
      return new Safetensors.Tensor(name, a.getShape().getShape(), f32.toFloatArray());
    }
  }

  /**
   * Loads a checkpoint's weights into {@code params} and its moments into {@code adam}; returns the
   * run state it was written at. A parameter the checkpoint lacks is an error naming it.
   */
  static TrainState restore(Path file, Params params, Adam adam) throws IOException {
    Map<String, String> meta = Safetensors.readMetadata(file);
    Map<String, Safetensors.Tensor> tensors = Safetensors.read(file, null);
    Map<String, double[]> adamArrays = new LinkedHashMap<>();
    Map<String, long[]> adamShapes = new LinkedHashMap<>();
    for (Safetensors.Tensor t : tensors.values()) {
      if (t.name().startsWith("adam.")) {
        adamArrays.put(t.name(), t.doubles());
        adamShapes.put(t.name(), t.shape());
      } else if (t.isF64()) {
        params.load(t.name(), t.data64());
      } else {
        params.load(t.name(), t.data());
      }
    }
    for (String name : params.all().keySet()) {
      if (!tensors.containsKey(name)) {
        throw new ModelFormatException(file, "checkpoint lacks parameter '" + name + "'");
      }
    }
    Map<String, Integer> steps = new LinkedHashMap<>();
    ConfigJson.GSON.fromJson(meta.get("adam_steps"), Map.class).forEach(
        (k, v) -> steps.put((String) k, ((Number) v).intValue()));
    adam.restore(adamArrays, adamShapes, steps);
    return ConfigJson.GSON.fromJson(meta.get("state"), TrainState.class);
  }
}
