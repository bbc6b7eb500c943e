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
  private final Workspace ws;
  private final Path dir;
  private final Stage stage;

  Screenshots(MainView view, Workspace ws, Path dir, Stage stage) {
    this.view = view;
    this.ws = ws;
    this.dir = dir;
    this.stage = stage;
  }

  void start() {
    whenFalse(ws.app.loadingProperty(), () -> {
      select("tab-generate");
      ws.generate.generate();
      whenFalse(ws.generate.runningProperty(), () -> shoot("generate.png", () -> {
        select("tab-flow-layers");
        ws.layers.run();
        whenFalse(ws.layers.runningProperty(), () -> {
          ws.layers.currentProperty().set(1);
          ws.selection.characterProperty().set(4); // the shared selection, marked in every row
          shoot("layers.png", () -> {
            select("tab-latent-trajectories");
            ws.layers.currentProperty().set(ws.layers.states() - 1);
            whenIdle(ws.trajectory.fitProperty().isNull(), () -> {
              ws.trajectory.selectedProperty().set(4);
              shoot("trajectories.png", () -> {
              select("tab-mixture-components");
              ws.mixture.positionProperty().set(4);
              whenIdle(ws.mixture.loadingProperty(), () -> shoot("mixture.png", () -> {
                select("tab-multi-pass-refinement");
                ws.refinement.run();
                whenFalse(ws.refinement.runningProperty(), () -> shoot("refinement.png", () -> {
                  // Jacobi on a shorter text, so that a pass's sweeps fit on the screen.
                  ws.linkRefinement(false);
                  ws.refinement.lengthProperty().set(48);
                  ws.refinement.jacobiProperty().set(true);
                  ws.refinement.run();
                  whenFalse(ws.refinement.runningProperty(), () -> shoot("refinement-jacobi.png", () -> {
                    select("tab-interpolation");
                    ws.interpolation.run();
                    whenFalse(ws.interpolation.runningProperty(), () -> shoot("interpolation.png", () -> {
                      select("tab-model-card");
                      shoot("model-card.png", this::compare);
                    }));
                  }));
                }));
              }));
              });
            });
          });
        });
      }));
    });
  }

  /** The patch-size comparison, when two or more models are installed. */
  private void compare() {
    select("tab-compare-patch-sizes");
    ws.compare.chooseDefaults();
    if (ws.compare.chosen().size() < 2) {
      Platform.exit();
      return;
    }
    ws.compare.run();
    whenFalse(ws.compare.runningProperty(), () -> shoot("compare.png", Platform::exit));
  }

  private void select(String tabId) {
    view.tabs().getTabs().stream().filter(t -> tabId.equals(t.getId())).findFirst()
        .ifPresent(t -> view.tabs().getSelectionModel().select(t));
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

  /** Runs {@code then} once the property is false (a job that may already have ended). */
  private static void whenIdle(javafx.beans.value.ObservableBooleanValue busy, Runnable then) {
    PauseTransition poll = new PauseTransition(Duration.millis(300));
    poll.setOnFinished(e -> {
      if (busy.get()) {
        poll.playFromStart();
      } else {
        then.run();
      }
    });
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
