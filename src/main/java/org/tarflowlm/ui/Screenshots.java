package org.tarflowlm.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/**
 * Drives every view once the model is loaded and saves a PNG of each, then quits: how the
 * screenshots under docs/ are made ({@code TARFLOWLM_SCREENSHOTS=docs mvn javafx:run} under Xvfb).
 */
final class Screenshots {
  private static final Logger LOG = Logger.getLogger(Screenshots.class.getName());
  private final MainView view;
  private final AppViewModel app;
  private final GenerateViewModel generate;
  private final LayersViewModel layers;
  private final RefinementViewModel refinement;
  private final Path dir;
  private final Stage stage;

  Screenshots(MainView view, AppViewModel app, GenerateViewModel generate, LayersViewModel layers,
      RefinementViewModel refinement, Path dir, Stage stage) {
    this.view = view;
    this.app = app;
    this.generate = generate;
    this.layers = layers;
    this.refinement = refinement;
    this.dir = dir;
    this.stage = stage;
  }

  void start() {
    whenFalse(app.loadingProperty(), () -> {
      view.tabs().getSelectionModel().select(0);
      generate.generate();
      whenFalse(generate.runningProperty(), () -> shoot("generate.png", () -> {
        view.tabs().getSelectionModel().select(1);
        layers.run();
        whenFalse(layers.runningProperty(), () -> {
          layers.currentProperty().set(1);
          shoot("layers.png", () -> {
            view.tabs().getSelectionModel().select(2);
            refinement.run();
            whenFalse(refinement.runningProperty(), () -> shoot("refinement.png", Platform::exit));
          });
        });
      }));
    });
  }

  /** Runs {@code then} once the property has become true and then false again (a job started and ended). */
  private static void whenFalse(javafx.beans.property.BooleanProperty busy, Runnable then) {
    PauseTransition poll = new PauseTransition(Duration.millis(300));
    boolean[] seenBusy = {busy.get()};
    poll.setOnFinished(e -> {
      seenBusy[0] |= busy.get();
      if (seenBusy[0] && !busy.get()) {
        then.run();
      } else {
        poll.playFromStart();
      }
    });
    ChangeListener<Boolean> l = (ObservableValue<? extends Boolean> o, Boolean a, Boolean b) -> seenBusy[0] |= b;
    busy.addListener(l);
    poll.play();
  }

  private void shoot(String name, Runnable then) {
    PauseTransition settle = new PauseTransition(Duration.millis(600));
    settle.setOnFinished(e -> {
      try {
        Files.createDirectories(dir);
        WritableImage img = stage.getScene().snapshot(null);
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", dir.resolve(name).toFile());
      } catch (IOException ex) {
        LOG.log(Level.WARNING, "could not save " + name, ex);
      }
      then.run();
    });
    settle.play();
  }
}
