package org.tarflowlm.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.runtime.DeviceChoice;
import org.tarflowlm.runtime.ModelRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the engine, the device and the model's layout. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Engine, device and model layout.")
final class InfoCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (ModelRuntime rt = ModelRuntime.open(options.model, options.device)) {
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("engine", DeviceChoice.engineDescription());
      info.put("flavour", DeviceChoice.engineFlavour());
      info.put("gpus", DeviceChoice.gpuCount());
      info.put("device", rt.device().toString());
      info.put("model", rt.folder().toString());
      info.put("parameters", rt.parameterCount());
      info.put("config", rt.config());
      if (json) {
        System.out.println(ConfigJson.GSON.toJson(info));
        return 0;
      }
      System.out.printf("engine   %s (%s), %d GPU(s), running on %s%n", info.get("engine"), info.get("flavour"),
          DeviceChoice.gpuCount(), rt.device());
      System.out.printf("model    %s: %s, %,d parameters%n", rt.folder(), rt.config().type(), rt.parameterCount());
      System.out.printf("shape    V=%d, d=%d, P=%d, context %d characters%n", rt.config().vocabSize(),
          rt.config().latentDim(), rt.config().patchSize(), rt.config().seqLen());
      int i = 1;
      for (LayerConfig l : rt.config().layers()) {
        System.out.printf("layer %d  %s%n", i++, l.summary());
      }
    }
    return 0;
  }
}
