package org.tarflowlm.ui;

import java.io.File;
import java.nio.file.Path;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.tarflowlm.runtime.Exports;

/** The window: model picker, device indicator, one tab per view, and a status line. */
final class MainView extends BorderPane {
  private final TabPane tabs = new TabPane();
  private final Workspace ws;

  MainView(Workspace ws) {
    this.ws = ws;
    AppViewModel app = ws.app;
    getStyleClass().add("main-view");
    ComboBox<Path> picker = new ComboBox<>(app.models());
    picker.setId("model-picker");
    picker.setPrefWidth(220);
    picker.setCellFactory(l -> new NameCell());
    picker.setButtonCell(new NameCell());
    // The picker shows the open model. A choice loads when it is confirmed (the list closes, or a
    // change while it is closed): arrowing through the open list must not load every model it passes.
    picker.setValue(app.selectedModelProperty().get());
    app.selectedModelProperty().addListener((o, a, now) -> picker.setValue(now));
    picker.valueProperty().addListener((o, a, now) -> {
      if (!picker.isShowing()) {
        app.request(now);
      }
    });
    picker.setOnHidden(e -> app.request(picker.getValue()));
    app.loadingProperty().addListener((o, was, now) -> {
      if (!now) {
        picker.setValue(app.selectedModelProperty().get()); // a failed open leaves the picker on the open model
      }
    });
    Button open = new Button("Open model folder...");
    open.setOnAction(e -> {
      DirectoryChooser chooser = new DirectoryChooser();
      chooser.setTitle("Open a model folder (config.json + model.safetensors)");
      File dir = chooser.showDialog(getScene().getWindow());
      if (dir != null) {
        app.open(dir.toPath());
      }
    });
    ProgressIndicator loading = new ProgressIndicator();
    loading.setPrefSize(18, 18);
    loading.visibleProperty().bind(app.loadingProperty());
    Label device = new Label();
    device.setId("device");
    device.getStyleClass().add("device");
    device.textProperty().bind(app.deviceLabelProperty());
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    Label title = new Label("TarFlowLM Explorer");
    title.getStyleClass().add("title");
    MenuButton export = new MenuButton("Export");
    export.setId("export");
    MenuItem png = new MenuItem("PNG of this view...");
    png.setOnAction(e -> choose("png", "PNG image", f -> exportPng(f)));
    MenuItem csv = new MenuItem("CSV of this view's numbers...");
    csv.setOnAction(e -> choose("csv", "CSV", f -> exportCsv(f)));
    MenuItem save = new MenuItem("Save run (JSON trace)...");
    save.setOnAction(e -> choose("json", "Run trace", ws::save));
    MenuItem openRun = new MenuItem("Open run (JSON trace)...");
    openRun.setOnAction(e -> {
      FileChooser chooser = new FileChooser();
      chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Run trace", "*.json"));
      File f = chooser.showOpenDialog(getScene().getWindow());
      if (f != null) {
        openRun(f.toPath());
      }
    });
    export.getItems().addAll(png, csv, new SeparatorMenuItem(), save, openRun);
    HBox bar = new HBox(10, title, spacer, new Label("Model"), picker, open, export, loading, device);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(8, 10, 8, 10));
    bar.getStyleClass().add("top-bar");
    setTop(bar);

    tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    tabs.getTabs().addAll(
        tab("Generate", new GenerateView(ws.generate, ws.selection, ws.generated)),
        tab("Flow layers", new LayersView(ws.layers, ws.selection)),
        tab("Latent trajectories", new TrajectoryView(ws.trajectory)),
        tab("Mixture components", new MixtureView(ws.mixture)),
        tab("Multi-pass refinement", new RefinementView(ws.refinement, ws.selection, ws.generated)),
        tab("Compare patch sizes", new CompareView(ws.compare, ws.app)),
        tab("Interpolation", new InterpolationView(ws.interpolation)),
        tab("Model card", new ModelCardView(ws.card)));
    setCenter(tabs);
    tabs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
      if (was == failedIn) {
        app.endMessage(failure);
      }
    });
    // A filter, not an accelerator: a focused text field would take the Enter first.
    addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
      if ((e.getCode() == javafx.scene.input.KeyCode.LEFT || e.getCode() == javafx.scene.input.KeyCode.RIGHT)
          && onSelectionSurface(getScene().getFocusOwner())) {
        ws.moveSelection(e.getCode() == javafx.scene.input.KeyCode.LEFT ? -1 : 1);
        e.consume();
      } else if (RUN.match(e)) {
        Tab t = tabs.getSelectionModel().getSelectedItem();
        if (t != null && t.getContent() instanceof RunsFromKeyboard view) {
          view.runButton().fire();
          e.consume();
        }
      }
    });

    Label status = new Label();
    status.setId("status");
    status.textProperty().bind(app.statusProperty());
    status.setPadding(new Insets(4, 10, 4, 10));
    status.getStyleClass().add("status");
    // The selected character in words, where the keyboard reaches it (a tooltip needs a mouse).
    Label readout = new Label();
    readout.setId("readout");
    readout.getStyleClass().add("readout");
    readout.setFocusTraversable(true);
    readout.setWrapText(true);
    readout.setMaxWidth(Double.MAX_VALUE);
    readout.textProperty().bind(ws.readoutProperty());
    readout.setPadding(new Insets(4, 10, 4, 10));
    readout.visibleProperty().bind(ws.readoutProperty().isNotEmpty());
    readout.managedProperty().bind(readout.visibleProperty());
    setBottom(new javafx.scene.layout.VBox(readout, status));
  }

  /** Style class of a view's text or chart whose characters the arrow keys step through when it has the focus. */
  static final String SELECTION_SURFACE = "selection-surface";

  /**
   * Makes a node a selection surface: it takes the focus when pressed, and then the arrow keys move
   * the shared selection (elsewhere they keep their own meaning: a caret, a tab, a list).
   */
  static void selectionSurface(javafx.scene.Node n) {
    n.getStyleClass().add(SELECTION_SURFACE);
    n.setFocusTraversable(true);
    n.addEventHandler(javafx.scene.input.MouseEvent.MOUSE_PRESSED, e -> n.requestFocus());
  }

  private static boolean onSelectionSurface(javafx.scene.Node n) {
    for (javafx.scene.Node p = n; p != null; p = p.getParent()) {
      if (p.getStyleClass().contains(SELECTION_SURFACE)) {
        return true;
      }
    }
    return false;
  }

  /** Runs the current view, as its Generate / Trace / Compare / Interpolate button would. */
  static final javafx.scene.input.KeyCombination RUN = new javafx.scene.input.KeyCodeCombination(
      javafx.scene.input.KeyCode.ENTER, javafx.scene.input.KeyCombination.SHORTCUT_DOWN);

  TabPane tabs() {
    return tabs;
  }

  /** An action on a file that may fail with a message for the status line. */
  interface FileAction {
    void run(Path file) throws Exception;
  }

  private interface Attempt {
    void run() throws Exception;
  }

  private void choose(String extension, String description, FileAction action) {
    FileChooser chooser = new FileChooser();
    chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(description, "*." + extension));
    chooser.setInitialFileName(current().map(Exportable::exportName).orElse("run") + "." + extension);
    File f = chooser.showSaveDialog(getScene().getWindow());
    if (f != null) {
      saveTo(f.toPath(), action);
    }
  }

  /** Saves to a file and says so in the status line, or says in words what failed. */
  void saveTo(Path file, FileAction action) {
    attempt(() -> {
      action.run(file);
      ws.app.statusProperty().set("saved " + file);
    }, "could not save " + file.getFileName());
  }

  /** Opens a run file in every view, or says in words why it could not. */
  void openRun(Path file) {
    attempt(() -> ws.open(file), "could not open " + file.getFileName());
  }

  /** The last failed file action's message, and the view it failed in: it ends when the user leaves that view. */
  private String failure = "";
  private Tab failedIn;

  private void attempt(Attempt a, String what) {
    try {
      a.run();
    } catch (Exception e) {
      java.util.logging.Logger.getLogger(MainView.class.getName()).log(java.util.logging.Level.WARNING, what, e);
      ws.app.statusProperty().set(what + ": " + FileErrors.inWords(e));
      failure = ws.app.statusProperty().get();
      failedIn = tabs.getSelectionModel().getSelectedItem();
    }
  }

  private java.util.Optional<Exportable> current() {
    Tab t = tabs.getSelectionModel().getSelectedItem();
    return t != null && t.getContent() instanceof Exportable ex ? java.util.Optional.of(ex) : java.util.Optional.empty();
  }

  /**
   * Saves a PNG of the selected view: encoded in memory, then written beside the target and moved
   * into place, so a failed write leaves no empty or partial file.
   */
  void exportPng(Path file) throws java.io.IOException {
    Tab t = tabs.getSelectionModel().getSelectedItem();
    javafx.scene.image.WritableImage img = t.getContent().snapshot(null, null);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    if (!javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img, null), "png", png)) {
      throw new java.io.IOException("this Java has no PNG encoder");
    }
    Exports.write(file, png.toByteArray());
  }

  /** Saves the selected view's numbers as CSV. */
  void exportCsv(Path file) throws java.io.IOException {
    String csv = current().map(Exportable::csv).orElse("");
    if (csv.isEmpty()) {
      throw new IllegalStateException("this view shows no run yet");
    }
    // The first line says what the numbers are of; pandas reads the rest with comment='#'.
    String caption = current().map(Exportable::caption).orElse("");
    Exports.writeString(file, "# " + caption.replace('\n', ' ') + "\n" + csv);
  }

  private static Tab tab(String name, javafx.scene.Node content) {
    Tab t = new Tab(name, content);
    t.setId("tab-" + name.toLowerCase().replace(' ', '-'));
    return t;
  }

  private static final class NameCell extends ListCell<Path> {
    @Override
    protected void updateItem(Path item, boolean empty) {
      super.updateItem(item, empty);
      setText(empty || item == null ? null : item.getFileName().toString());
    }
  }
}
