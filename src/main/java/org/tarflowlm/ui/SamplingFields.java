package org.tarflowlm.ui;

import java.util.List;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;

/**
 * The length, temperature and seed of a generation, as Generate, Refinement and Compare show them:
 * each field follows its view model's property both ways and says beside itself what is wrong
 * with its text ({@link NumberFields}).
 */
final class SamplingFields {
  final Spinner<Integer> length;
  final Spinner<Double> temperature;
  final TextField seed;
  private final NumberFields.Check lengthCheck;
  private final NumberFields.Check temperatureCheck;
  private final NumberFields.Check seedCheck;

  /** @param idPrefix prepended to the fields' ids {@code length}, {@code temperature} and {@code seed} */
  SamplingFields(String idPrefix, IntegerProperty lengthValue, DoubleProperty temperatureValue, LongProperty seedValue) {
    length = new Spinner<>(1, 4096, lengthValue.get(), 8);
    length.setId(idPrefix + "length");
    length.setEditable(true);
    length.setPrefWidth(90);
    length.valueProperty().addListener((o, a, b) -> lengthValue.set(b));
    lengthValue.addListener((o, a, b) -> length.getValueFactory().setValue(b.intValue()));
    lengthCheck = NumberFields.guard(length, "length", lengthValue::set);

    temperature = new Spinner<>(0.05, 3.0, temperatureValue.get(), 0.05);
    temperature.setId(idPrefix + "temperature");
    temperature.setEditable(true);
    temperature.setPrefWidth(80);
    temperature.valueProperty().addListener((o, a, b) -> temperatureValue.set(b));
    temperatureValue.addListener((o, a, b) -> temperature.getValueFactory().setValue(b.doubleValue()));
    temperatureCheck = NumberFields.guardDecimal(temperature, "temperature", temperatureValue::set);

    seed = new TextField(Long.toString(seedValue.get()));
    seed.setId(idPrefix + "seed");
    seed.setPrefColumnCount(7);
    seedValue.addListener((o, a, b) -> {
      if (!seed.getText().trim().equals(Long.toString(b.longValue()))) {
        seed.setText(Long.toString(b.longValue()));
      }
    });
    seedCheck = NumberFields.guardLong(seed, "seed", seedValue::set);
  }

  /** True while any field holds text it cannot take: the view's run button stays disabled. */
  BooleanBinding invalid() {
    return lengthCheck.valid().not().or(temperatureCheck.valid().not()).or(seedCheck.valid().not());
  }

  /** Label, field and problem of each, in order, for a flow pane. */
  List<Node> nodes() {
    return List.of(new Label("Length"), length, lengthCheck.problem(), new Label("Temperature"), temperature,
        temperatureCheck.problem(), new Label("Seed"), seed, seedCheck.problem());
  }
}
