package org.tarflowlm.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Picks the device the model runs on: the GPU when the engine reports one (auto), or the one the
 * user asked for. Asking for a GPU where none is usable is an error, never a silent CPU run.
 */
public final class DeviceChoice {
  private DeviceChoice() {}

  /** @param choice {@code auto}, {@code cpu} or {@code gpu} */
  public static Device pick(String choice) {
    int gpus = Engine.getInstance().getGpuCount();
    return switch (choice == null ? "auto" : choice.toLowerCase()) {
      case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (gpus == 0) {
          throw new IllegalStateException("--device gpu: the PyTorch engine sees no usable GPU (flavour "
              + engineFlavour() + "); build with -Pgpu on a machine with a CUDA 12 GPU, or use --device cpu");
        }
        yield Device.gpu();
      }
      default -> throw new IllegalArgumentException("device must be auto, cpu or gpu, got '" + choice + "'");
    };
  }

  /** Engine name and version, e.g. {@code PyTorch 2.5.1}. */
  public static String engineDescription() {
    Engine e = Engine.getInstance();
    return e.getEngineName() + " " + e.getVersion();
  }

  /** The native library flavour DJL loaded (cpu, cu124, ...), read off the folder it unpacked it to. */
  public static String engineFlavour() {
    Engine.getInstance(); // loads the library
    String path = ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(cpu|cu\\d+)(-precxx11)?-linux").matcher(path);
    return m.find() ? m.group(1) : "unknown (" + path + ")";
  }

  /** Number of GPUs the engine sees. */
  public static int gpuCount() {
    return Engine.getInstance().getGpuCount();
  }
}
