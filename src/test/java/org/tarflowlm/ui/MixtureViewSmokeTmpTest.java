package org.tarflowlm.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

class MixtureViewSmokeTmpTest extends ApplicationTest {
  private LayersViewModel layers;
  private MixtureViewModel vm;
  private MixtureView view;
  private Path models;
  private AppViewModel app;

  @Override
  public void start(Stage stage) throws Exception {
    Path models = Files.createTempDirectory("mix-smoke");
    TinyModels.flow(models, "mixd-p1", 1);
    org.tarflowlm.model.ModelConfig cfg = new org.tarflowlm.model.ModelConfig(org.tarflowlm.model.ModelConfig.TARFLOWLM, 27, 5, 1, 160, java.util.List.of(
        new org.tarflowlm.model.LayerConfig(org.tarflowlm.model.CouplingType.AFFINE, org.tarflowlm.model.Direction.LEFT_TO_RIGHT, 1, 16, 2, 0)), 3);
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      org.tarflowlm.io.ModelFolder.save(new org.tarflowlm.model.TarFlowLM(cfg, m), models.resolve("aff"));
    }
    this.models = models;
    ModelWorker worker = new ModelWorker(Platform::runLater);
    AppViewModel app = new AppViewModel(worker, models, "cpu");
    this.app = app;
    layers = new LayersViewModel(app);
    vm = new MixtureViewModel(app, layers);
    view = new MixtureView(vm);
    Scene scene = new Scene(view, 1200, 760);
    scene.getStylesheets().add(ExplorerApp.class.getResource("explorer.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
    app.scanModels();
    app.selectedModelProperty().set(models.resolve("mixd-p1"));
  }

  private void shot(String name) throws Exception {
    WaitForAsyncUtils.waitForFxEvents();
    interact(() -> {
      try {
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(view.snapshot(null, null), null), "png",
            new java.io.File("/tmp/mixshots/" + name + ".png"));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  @Test
  void smoke() throws Exception {
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm != null);
    Thread.sleep(3000);
    interact(() -> {
      layers.textProperty().set("hello world");
      layers.run();
    });
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.sliceProperty().get() != null);
    interact(() -> vm.positionProperty().set(4));
    shot("mixd");
    interact(() -> vm.channelProperty().set(2));
    interact(() -> vm.positionProperty().set(0));
    shot("mixd-ch2");
    shot("mixd-ch2-p0");
    interact(() -> vm.layerProperty().set(2));
    shot("mix1");
    interact(() -> app.selectedModelProperty().set(models.resolve("aff")));
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.runtime() != null && app.runtime().name().equals("aff"));
    interact(() -> layers.run());
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.sliceProperty().get() != null && !vm.sliceProperty().get().isMixture());
    shot("affine");
    System.out.println("CSV2:\n" + view.csv());
    System.out.println("CSV:\n" + view.csv());
    System.out.println("ERR:" + vm.errorProperty().get());
  }
}
