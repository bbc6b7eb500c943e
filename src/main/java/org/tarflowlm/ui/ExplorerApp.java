package org.tarflowlm.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The TarFlowLM Explorer window. The model loads in the background after the window shows; the
 * JavaFX thread only draws. {@code TARFLOWLM_MODELS} and {@code TARFLOWLM_DEVICE} override the
 * models folder and the device.
 */
public final class ExplorerApp extends Application {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ExplorerApp.class.getName());
  private ModelWorker worker;
  private AppViewModel app;
  private GenerateViewModel generate;

  @Override
  public void start(Stage stage) {
    System.setProperty("ai.djl.offline", "true");
    Settings settings = Settings.user();
    Path modelsDir = Path.of(System.getenv().getOrDefault("TARFLOWLM_MODELS", "models"));
    worker = new ModelWorker(Platform::runLater);
    app = new AppViewModel(worker, modelsDir, System.getenv().getOrDefault("TARFLOWLM_DEVICE", "auto"));
    Workspace ws = new Workspace(app, Platform::runLater);
    generate = ws.generate;
    generate.promptProperty().set(settings.lastPrompt());
    MainView view = new MainView(ws);
    Scene scene = new Scene(view, settings.width(), settings.height());
    scene.getStylesheets().add(ExplorerApp.class.getResource("explorer.css").toExternalForm());
    stage.setTitle("TarFlowLM Explorer");
    stage.setScene(scene);
    stage.setOnCloseRequest(e -> settings.save(scene.getWidth(), scene.getHeight(),
        app.selectedModelProperty().get() == null ? null : app.selectedModelProperty().get().toString(),
        generate.promptProperty().get()));
    stage.show();
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    LOG.info(String.format("window shown %.1f s after the JVM started", (System.currentTimeMillis() - jvmStart) / 1e3));
    app.runtimeProperty().addListener((o, a, rt) -> LOG.info(String.format("%s ready %.1f s after the JVM started",
        rt.name(), (System.currentTimeMillis() - jvmStart) / 1e3)));

    app.scanModels();
    Path initial = pick(settings.lastModel(), modelsDir);
    if (initial != null) {
      app.openAtStart(initial, fallback(modelsDir));
    } else {
      app.statusProperty().set("no model folder found in " + modelsDir.toAbsolutePath() + "; use Open model folder...");
    }
    String shots = System.getenv("TARFLOWLM_SCREENSHOTS");
    if (shots != null) {
      new Screenshots(view, ws, Path.of(shots), stage).start();
    }
  }

  /** The last model (openAtStart says so when it is gone), else the default. */
  private Path pick(String last, Path modelsDir) {
    return last != null ? Path.of(last) : fallback(modelsDir);
  }

  /** The default mixd-p1, else the first model found: what opens when the saved model does not. */
  private Path fallback(Path modelsDir) {
    Path def = modelsDir.resolve("mixd-p1");
    if (Files.exists(def.resolve("config.json"))) {
      return def;
    }
    return app.models().isEmpty() ? null : app.models().get(0);
  }

  @Override
  public void stop() {
    if (worker != null) {
      worker.close();
    }
    if (app != null) {
      app.closeOthers(); // their native memory is the engine's, not the JVM's, and is not collected
    }
  }

  public static void main(String[] args) {
    launch(args);
  }
}
