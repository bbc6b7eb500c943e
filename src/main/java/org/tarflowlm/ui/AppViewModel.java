package org.tarflowlm.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tarflowlm.runtime.ModelRuntime;

/**
 * The window's state: which models exist, which one is open (loaded in the background), on what
 * device, and the status line. Views bind to it; it never touches a scene.
 */
public final class AppViewModel {
  private final ModelWorker worker;
  private final Path modelsDir;
  private final String device;
  private final ObservableList<Path> models = FXCollections.observableArrayList();
  private final ObjectProperty<Path> selected = new SimpleObjectProperty<>();
  private final ObjectProperty<ModelRuntime> runtime = new SimpleObjectProperty<>();
  private final StringProperty status = new SimpleStringProperty("");
  private final StringProperty deviceLabel = new SimpleStringProperty("");
  private final BooleanProperty loading = new SimpleBooleanProperty();

  public AppViewModel(ModelWorker worker, Path modelsDir, String device) {
    this.worker = worker;
    this.modelsDir = modelsDir;
    this.device = device;
  }

  public ModelWorker worker() {
    return worker;
  }

  public ObservableList<Path> models() {
    return models;
  }

  /**
   * The folder of the open model. It changes only when a model has opened: a folder that fails to
   * open never shows here, in the list, or in the saved settings.
   */
  public ReadOnlyObjectProperty<Path> selectedModelProperty() {
    return selected;
  }

  /** Opens a model in the background; the open one stays open (and selected) unless the new one loads. */
  public void request(Path folder) {
    if (folder != null && !folder.equals(selected.get())) {
      load(folder, null);
    }
  }

  /**
   * The first model of a session: the saved one, and when that no longer opens, the fallback,
   * with a message that says so.
   */
  public void openAtStart(Path saved, Path fallback) {
    if (fallback != null && !fallback.equals(saved) && !Files.exists(saved.resolve("config.json"))) {
      status.set("the model you had open last, " + saved.getFileName() + ", is no longer at " + saved
          + ": opening " + fallback.getFileName() + " instead");
      fallbackNote = status.get();
      load(fallback, null);
      return;
    }
    load(saved, fallback != null && !fallback.equals(saved) ? fallback : null);
  }

  /** What the status said about the saved model's absence, kept beside the summary of the model that opened. */
  private String fallbackNote = "";

  public ReadOnlyObjectProperty<ModelRuntime> runtimeProperty() {
    return runtime;
  }

  public ModelRuntime runtime() {
    return runtime.get();
  }

  public StringProperty statusProperty() {
    return status;
  }

  /** The open model in one line, what the status says when it has nothing else to say. */
  private String summary = "";

  /** Ends a message about one action (a failed save, say): the status says what is open again. */
  public void endMessage(String message) {
    if (status.get().equals(message)) {
      status.set(summary);
    }
  }

  public ReadOnlyStringProperty deviceLabelProperty() {
    return deviceLabel;
  }

  public BooleanProperty loadingProperty() {
    return loading;
  }

  private final java.util.Map<Path, ModelRuntime> others = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Another model than the open one (the baseline, a model to compare with), loaded once and
   * kept; call from a worker job only.
   */
  public ModelRuntime other(Path folder) throws IOException {
    ModelRuntime open = runtime.get();
    if (open != null && open.folder().equals(folder)) {
      return open;
    }
    ModelRuntime rt = others.get(folder);
    if (rt == null) {
      rt = ModelRuntime.open(folder, device);
      others.put(folder, rt);
    }
    return rt;
  }

  /** Name of the discrete baseline's folder beside the other models. */
  static final String BASELINE = "ar-baseline";

  /**
   * The discrete baseline, loaded once, to score a flow model's text with too; null for the baseline
   * itself or when it is not installed. Call from a worker job only.
   */
  public ModelRuntime baselineBeside(ModelRuntime rt) throws IOException {
    Path folder = rt.isBaseline() ? null : sibling(BASELINE);
    return folder == null ? null : other(folder);
  }

  /** Closes the models opened beside the open one (the baseline, the Compare view's); call from a worker job or at exit. */
  public void closeOthers() {
    others.values().forEach(ModelRuntime::close);
    others.clear();
  }

  /** Lists every model folder (a folder holding a config.json) under the models directory. */
  public void scanModels() {
    try (Stream<Path> dirs = Files.list(modelsDir)) {
      List<Path> found = dirs.filter(d -> Files.exists(d.resolve("config.json"))).sorted().toList();
      models.setAll(found);
    } catch (IOException e) {
      status.set("cannot list " + modelsDir + ": " + e.getMessage());
    }
  }

  /** Opens a folder the user chose; it joins the list once it has opened. */
  public void open(Path folder) {
    request(folder);
  }

  /** The models folder sibling of the open one, e.g. the baseline, if installed. */
  public Path sibling(String name) {
    Path p = modelsDir.resolve(name);
    return Files.exists(p.resolve("config.json")) ? p : null;
  }

  /** The warm-up job of the model that opened last, while it runs. */
  private ModelWorker.Handle warming;

  /** Whether the open model's warm-up job is still queued or running. */
  public boolean warmingUp() {
    return warming != null && !warming.isCancelled();
  }

  /** Stops the warm-up: a job the user asked for goes first. */
  void stopWarmUp() {
    if (warming != null) {
      warming.cancel();
    }
  }

  private void load(Path folder, Path fallback) {
    loading.set(true);
    status.set("loading " + folder.getFileName() + "...");
    worker.submit(cancelled -> ModelRuntime.open(folder, device), rt -> {
      ModelRuntime old = runtime.get();
      if (!models.contains(folder)) {
        models.add(folder);
      }
      deviceLabel.set(rt.onGpu() ? "GPU" : "CPU");
      String summary = String.format("%s: %s, P=%d, %d layer(s), %,d parameters, on %s", folder.getFileName(),
          rt.config().type(), rt.config().patchSize(), rt.config().layers().size(), rt.parameterCount(),
          deviceLabel.get());
      status.set(summary + " (warming up)" + (fallbackNote.isEmpty() ? "" : "; " + fallbackNote));
      selected.set(folder);
      runtime.set(rt);
      if (old != null) {
        worker.submit(c -> {
          old.close();
          return null;
        }, x -> { }, () -> { }, msg -> { });
      }
      loading.set(false);
      // The first generation after a load paid the engine's first-call costs (seconds, not the 0.3 s
      // of the later ones): pay them here, right after the load, before the user asks.
      String note = fallbackNote;
      fallbackNote = "";
      this.summary = summary + (note.isEmpty() ? "" : "; " + note);
      ModelWorker.Handle[] mine = new ModelWorker.Handle[1];
      Runnable warm = () -> {
        if (status.get().startsWith(summary + " (warming up)")) {
          status.set(summary + (note.isEmpty() ? "" : "; " + note));
        }
        if (warming == mine[0]) {
          warming = null;
        }
      };
      // A job a view starts stops the warm-up (stopWarmUp): it pays what remains of the first-call
      // costs itself, instead of queueing behind the whole warm-up.
      warming = mine[0] = worker.submit(c -> {
        rt.warmUp(c);
        return null;
      }, x -> warm.run(), warm, msg -> warm.run());
    }, () -> loading.set(false), msg -> {
      loading.set(false);
      ModelRuntime open = runtime.get();
      String failure = "could not open " + folder.getFileName() + ": " + msg;
      if (fallback != null) {
        status.set(failure + "; opening " + fallback.getFileName() + " instead");
        load(fallback, null);
        return;
      }
      status.set(open == null ? failure : failure + " (still on " + open.name() + ")");
    });
  }
}
