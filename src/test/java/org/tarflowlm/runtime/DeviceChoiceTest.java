package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {
  @Test
  void autoPicksTheGpuExactlyWhenTheEngineReportsOne() {
    Device d = DeviceChoice.pick("auto");
    assertEquals(Engine.getInstance().getGpuCount() > 0, d.isGpu());
  }

  @Test
  void askingForAMissingGpuIsAnErrorNotACpuRun() {
    if (Engine.getInstance().getGpuCount() > 0) {
      assertTrue(DeviceChoice.pick("gpu").isGpu());
      return;
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> DeviceChoice.pick("gpu"));
    assertTrue(e.getMessage().contains("no usable GPU"), e.getMessage());
  }

  @Test
  void unknownDeviceIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> DeviceChoice.pick("tpu"));
  }

  @Test
  void flavourIsReadOffTheLoadedLibrary() {
    String flavour = DeviceChoice.engineFlavour();
    assertTrue(flavour.equals("cpu") || flavour.startsWith("cu"), flavour);
  }
}
