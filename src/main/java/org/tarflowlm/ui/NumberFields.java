package org.tarflowlm.ui;

import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextInputControl;
import javafx.util.StringConverter;

/**
 * Number fields that check their text as the user types: text that is not a number in range marks
 * the field (the {@code :invalid} pseudo-class), says what is wrong in a label to put beside it and
 * reports itself not valid, so the view can disable its action; valid text is committed at once. A
 * spinner's own commit (Tab, Enter, focus lost) then never meets text it cannot convert, which used
 * to throw on the JavaFX thread.
 *
 * <p>Decimals are read in the user's locale (a spinner shows 0,95 in German) and with a point too.
 */
final class NumberFields {
  static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  /** Whether a field's text is valid, and what is wrong with it in words (empty when valid), shown in {@code problem}. */
  record Check(BooleanProperty valid, Label problem) {}

  /** A value, or what is wrong with the text. */
  private record Parsed<T>(T value, String problem) {
    static <T> Parsed<T> ok(T value) {
      return new Parsed<>(value, "");
    }

    static <T> Parsed<T> wrong(String problem) {
      return new Parsed<>(null, problem);
    }
  }

  private NumberFields() {
  }

  /** An editable integer spinner named {@code name} in its messages. */
  static Check guard(Spinner<Integer> spinner, String name, Consumer<Integer> commit) {
    SpinnerValueFactory.IntegerSpinnerValueFactory f = (SpinnerValueFactory.IntegerSpinnerValueFactory) spinner.getValueFactory();
    return guard(spinner, text -> {
      try {
        return inRange(name, Integer.parseInt(text), f.getMin(), f.getMax());
      } catch (NumberFormatException e) {
        return Parsed.wrong(name + " must be a whole number");
      }
    }, commit);
  }

  /** An editable decimal spinner named {@code name} in its messages. */
  static Check guardDecimal(Spinner<Double> spinner, String name, Consumer<Double> commit) {
    SpinnerValueFactory.DoubleSpinnerValueFactory f = (SpinnerValueFactory.DoubleSpinnerValueFactory) spinner.getValueFactory();
    return guard(spinner, text -> {
      Double v = parseDecimal(text, Locale.getDefault(Locale.Category.FORMAT));
      return v == null ? Parsed.wrong(name + " must be a number") : inRange(name, v, f.getMin(), f.getMax());
    }, commit);
  }

  /** A text field holding a whole number (a seed, say) named {@code name} in its messages. */
  static Check guardLong(TextInputControl field, String name, Consumer<Long> commit) {
    return watch(field, text -> {
      try {
        return Parsed.ok(Long.parseLong(text));
      } catch (NumberFormatException e) {
        return Parsed.wrong(name + " must be a whole number");
      }
    }, commit);
  }

  /** A decimal written with the locale's decimal separator or a point; null when it is not one. */
  static Double parseDecimal(String text, Locale locale) {
    char separator = DecimalFormatSymbols.getInstance(locale).getDecimalSeparator();
    String s = text.trim().replace(separator, '.');
    return DECIMAL.matcher(s).matches() ? Double.valueOf(s) : null;
  }

  private static <T extends Number & Comparable<T>> Parsed<T> inRange(String name, T v, T min, T max) {
    NumberFormat shown = NumberFormat.getInstance(Locale.getDefault(Locale.Category.FORMAT));
    if (v.compareTo(min) < 0) {
      return Parsed.wrong(v.doubleValue() <= 0 && min.doubleValue() > 0 ? name + " must be above 0"
          : name + " must be at least " + shown.format(min));
    }
    return v.compareTo(max) > 0 ? Parsed.wrong(name + " must be at most " + shown.format(max)) : Parsed.ok(v);
  }

  private static <T> Check guard(Spinner<T> spinner, Function<String, Parsed<T>> parse, Consumer<T> commit) {
    SpinnerValueFactory<T> factory = spinner.getValueFactory();
    StringConverter<T> shown = factory.getConverter();
    factory.setConverter(new StringConverter<>() {
      @Override
      public String toString(T value) {
        return shown.toString(value);
      }

      @Override
      public T fromString(String text) {
        T v = parse.apply(text.trim()).value();
        return v != null ? v : factory.getValue(); // invalid text keeps the value; the field stays marked
      }
    });
    return watch(spinner.getEditor(), parse, commit);
  }

  private static <T> Check watch(TextInputControl field, Function<String, Parsed<T>> parse, Consumer<T> commit) {
    BooleanProperty valid = new SimpleBooleanProperty(true);
    Label problem = new Label();
    problem.getStyleClass().add("error");
    problem.managedProperty().bind(problem.visibleProperty());
    problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
    field.textProperty().addListener((o, a, text) -> {
      Parsed<T> p = parse.apply(text.trim());
      valid.set(p.value() != null);
      problem.setText(p.problem());
      field.pseudoClassStateChanged(INVALID, p.value() == null);
      if (p.value() != null) {
        commit.accept(p.value());
      }
    });
    return new Check(valid, problem);
  }
}
