package org.tarflowlm.ui;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

/** The colour legend that goes wherever colour carries a number. */
final class Legend {
  private Legend() {}

  /** "0 bits [gradient] 8+ bits". */
  static HBox bits() {
    return scale("0 bits", BitsPalette.MAX_BITS + "+ bits", "bits per character under the model");
  }

  static HBox scale(String low, String high, String what) {
    HBox swatches = new HBox();
    for (int i = 0; i <= 20; i++) {
      Region r = new Region();
      r.setPrefSize(12, 12);
      r.setStyle("-fx-background-color: " + BitsPalette.css(BitsPalette.scale(i / 20.0)) + ";");
      swatches.getChildren().add(r);
    }
    Label lo = new Label(low);
    Label hi = new Label(high);
    lo.setMinWidth(Region.USE_PREF_SIZE); // the ends of the scale are never cut; the description may be
    hi.setMinWidth(Region.USE_PREF_SIZE);
    HBox legend = new HBox(6, lo, swatches, hi, new Label("  " + what));
    legend.getStyleClass().add("legend");
    legend.setAlignment(Pos.CENTER_LEFT);
    return legend;
  }
}
