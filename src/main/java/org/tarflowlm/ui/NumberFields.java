package org.tarflowlm.ui;

import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.css.PseudoClass;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextInputControl;
import javafx.util.StringConverter;

/**
 * Number fields that check their text as the user types: text that is not a number in range marks
 * the field (the {@code :invalid} pseudo-class) and reports itself not valid, so the view can
 * disable its action; valid text is committed at once. A spinner's own commit (Tab, Enter, focus
 * lost) then never meets text it cannot convert, which used to throw on the JavaFX thread.
 */
final class NumberFields {
  static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");

  private NumberFields() {
  }

  /** An editable integer spinner; returns whether its text is valid. */
  static BooleanProperty guard(Spinner<Integer> spinner, Consumer<Integer> commit) {
    SpinnerValueFactory.IntegerSpinnerValueFactory f = (SpinnerValueFactory.IntegerSpinnerValueFactory) spinner.getValueFactory();
    return guard(spinner, text -> {
      try {
        int v = Integer.parseInt(text);
        return v >= f.getMin() && v <= f.getMax() ? v : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }, commit);
  }

  /** An editable decimal spinner; returns whether its text is valid. */
  static BooleanProperty guardDecimal(Spinner<Double> spinner, Consumer<Double> commit) {
    SpinnerValueFactory.DoubleSpinnerValueFactory f = (SpinnerValueFactory.DoubleSpinnerValueFactory) spinner.getValueFactory();
    return guard(spinner, text -> {
      try {
        double v = Double.parseDouble(text);
        return v >= f.getMin() && v <= f.getMax() ? v : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }, commit);
  }

  /** A text field holding a whole number (a seed, say); returns whether its text is valid. */
  static BooleanProperty guardLong(TextInputControl field, Consumer<Long> commit) {
    return watch(field, text -> {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return null;
      }
    }, commit);
  }

  private static <T> BooleanProperty guard(Spinner<T> spinner, Function<String, T> parse, Consumer<T> commit) {
    SpinnerValueFactory<T> factory = spinner.getValueFactory();
    StringConverter<T> shown = factory.getConverter();
    factory.setConverter(new StringConverter<>() {
      @Override
      public String toString(T value) {
        return shown.toString(value);
      }

      @Override
      public T fromString(String text) {
        T v = parse.apply(text.trim());
        return v != null ? v : factory.getValue(); // invalid text keeps the value; the field stays marked
      }
    });
    return watch(spinner.getEditor(), parse, commit);
  }

  private static <T> BooleanProperty watch(TextInputControl field, Function<String, T> parse, Consumer<T> commit) {
    BooleanProperty valid = new SimpleBooleanProperty(true);
    field.textProperty().addListener((o, a, text) -> {
      T v = parse.apply(text.trim());
      valid.set(v != null);
      field.pseudoClassStateChanged(INVALID, v == null);
      if (v != null) {
        commit.accept(v);
      }
    });
    return valid;
  }
}
