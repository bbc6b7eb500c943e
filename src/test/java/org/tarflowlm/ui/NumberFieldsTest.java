package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.scene.Scene;
import javafx.scene.control.Spinner;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.ApplicationTest;

/** Number fields read what a user in a decimal-comma locale types, and say in words what is wrong. */
class NumberFieldsTest extends ApplicationTest {
  private final Locale before = Locale.getDefault(Locale.Category.FORMAT);
  private final DoubleProperty temperature = new SimpleDoubleProperty(0.95);
  private Spinner<Double> spinner;
  private NumberFields.Check check;

  @Override
  public void start(Stage stage) {
    Locale.setDefault(Locale.Category.FORMAT, Locale.GERMANY);
    spinner = new Spinner<>(0.05, 3.0, temperature.get(), 0.05);
    spinner.setEditable(true);
    check = NumberFields.guardDecimal(spinner, "temperature", temperature::set);
    // As Refinement's field follows the shared temperature: the value comes back as the spinner writes it.
    temperature.addListener((o, a, b) -> spinner.getValueFactory().setValue(b.doubleValue()));
    stage.setScene(new Scene(new HBox(spinner, check.problem()), 400, 80));
    stage.show();
  }

  @AfterEach
  void restoreLocale() {
    Locale.setDefault(Locale.Category.FORMAT, before);
  }

  private void type(String text) {
    interact(() -> spinner.getEditor().setText(text));
  }

  @Test
  void aGermanUserTypesACommaOrAPoint() {
    assertEquals("0,95", spinner.getEditor().getText(), "the spinner writes the locale's comma");
    type("0,6");
    assertEquals(0.6, temperature.get(), 1e-12);
    assertTrue(check.valid().get(), "after the field showed the value back as " + spinner.getEditor().getText());
    type("0.7");
    assertEquals(0.7, temperature.get(), 1e-12);
    assertTrue(check.valid().get(), spinner.getEditor().getText());
    assertEquals("", check.problem().getText());
  }

  @Test
  void whatIsWrongIsSaidBesideTheField() {
    type("0");
    assertFalse(check.valid().get());
    assertEquals("temperature must be above 0", check.problem().getText());
    type("abc");
    assertEquals("temperature must be a number", check.problem().getText());
    type("9");
    assertEquals("temperature must be at most 3", check.problem().getText());
    assertEquals(0.95, temperature.get(), 1e-12, "no invalid text reached the value");
    type("1,5");
    assertTrue(check.valid().get());
    assertEquals("", check.problem().getText());
  }
}
