package org.tarflowlm.ui;

import java.io.File;
import java.nio.file.Path;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.DirectoryChooser;

/** The window: model picker, device indicator, one tab per view, and a status line. */
final class MainView extends BorderPane {
  private final TabPane tabs = new TabPane();

  MainView(Workspace ws) {
    AppViewModel app = ws.app;
    getStyleClass().add("main-view");
    ComboBox<Path> picker = new ComboBox<>(app.models());
    picker.setId("model-picker");
    picker.setPrefWidth(220);
    picker.setCellFactory(l -> new NameCell());
    picker.setButtonCell(new NameCell());
    picker.valueProperty().bindBidirectional(app.selectedModelProperty());
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
    HBox bar = new HBox(10, title, spacer, new Label("Model"), picker, open, loading, device);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(8, 10, 8, 10));
    bar.getStyleClass().add("top-bar");
    setTop(bar);

    tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    tabs.getTabs().addAll(
        tab("Generate", new GenerateView(ws.generate)),
        tab("Flow layers", new LayersView(ws.layers)),
        tab("Latent trajectories", new TrajectoryView(ws.trajectory)),
        tab("Multi-pass refinement", new RefinementView(ws.refinement)));
    setCenter(tabs);

    Label status = new Label();
    status.setId("status");
    status.textProperty().bind(app.statusProperty());
    status.setPadding(new Insets(4, 10, 4, 10));
    status.getStyleClass().add("status");
    setBottom(status);
  }

  TabPane tabs() {
    return tabs;
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
