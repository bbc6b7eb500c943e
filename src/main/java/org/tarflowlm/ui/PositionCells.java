package org.tarflowlm.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.control.Label;

/**
 * The character cells of one view, row by row, wired to the shared {@link Selection}: clicking a
 * cell selects its character in every view, and the selected character (and, where the view asks,
 * the one under the mouse) is marked in every row.
 */
final class PositionCells {
  private final Selection selection;
  private final boolean hover;
  private final List<List<Label>> rows = new ArrayList<>();
  /** Whether the view's text is the current run's, whose characters the selection indexes. */
  private final ObservableBooleanValue current;

  PositionCells(Selection selection, boolean hover) {
    this(selection, hover, new SimpleBooleanProperty(true));
  }

  /**
   * @param current whether the cells show the current run's text: while they show another (an
   *     earlier generation, say, after a typed text was traced), clicks select nothing and nothing
   *     is marked, since the selection indexes a different text
   */
  PositionCells(Selection selection, boolean hover, ObservableBooleanValue current) {
    this.selection = selection;
    this.hover = hover;
    this.current = current;
    selection.characterProperty().addListener((o, a, b) -> mark());
    selection.hoveredProperty().addListener((o, a, b) -> mark());
    current.addListener((o, a, b) -> mark());
  }

  void clear() {
    rows.clear();
  }

  /** A new row; its cells are added in character order. */
  List<Label> row() {
    List<Label> row = new ArrayList<>();
    rows.add(row);
    return row;
  }

  /** Makes the next cell of a row the cell of character {@code row.size()}. */
  void add(List<Label> row, Label cell) {
    int i = row.size();
    row.add(cell);
    cell.setOnMouseClicked(e -> {
      if (current.get()) {
        selection.toggle(i);
      }
    });
    if (hover) {
      cell.setOnMouseEntered(e -> {
        if (current.get()) {
          selection.hoveredProperty().set(i);
        }
      });
      cell.setOnMouseExited(e -> {
        if (selection.hoveredProperty().get() == i) {
          selection.hoveredProperty().set(-1);
        }
      });
    }
  }

  /** Marks the selected and hovered characters in every row. */
  void mark() {
    int selected = current.get() ? selection.characterProperty().get() : -1;
    int hovered = hover && current.get() ? selection.hoveredProperty().get() : -1;
    for (List<Label> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        List<String> styles = row.get(i).getStyleClass();
        styles.removeAll(List.of("selected", "hovered"));
        if (i == selected) {
          styles.add("selected");
        }
        if (i == hovered) {
          styles.add("hovered");
        }
      }
    }
  }
}
