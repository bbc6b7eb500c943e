package org.tarflowlm;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.LayerInput;
import org.tarflowlm.model.Mixture1D;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.Vocabulary;

/**
 * The arrows between packages: model <- runtime <- ui / cli / train; io for files; corpus (the
 * training text and its splits) for train and cli.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.tarflowlm");

  @Test
  void modelImportsNothingOfOurs() {
    noClasses().that().resideInAPackage("org.tarflowlm.model..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.tarflowlm.runtime..", "org.tarflowlm.io..", "org.tarflowlm.cli..", "org.tarflowlm.ui..",
            "org.tarflowlm.train..", "org.tarflowlm.corpus..")
        .check(CLASSES);
  }

  @Test
  void uiTalksToTheRuntimeOnly() {
    noClasses().that().resideInAPackage("org.tarflowlm.ui..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.tarflowlm.io..", "org.tarflowlm.train..", "org.tarflowlm.cli..", "org.tarflowlm.corpus..")
        .check(CLASSES);
  }

  /** The corpus is text and its split policy: it needs the alphabet, never a model, a runtime or a trainer. */
  @Test
  void corpusReadsOnlyTheAlphabet() {
    noClasses().that().resideInAPackage("org.tarflowlm.corpus..")
        .should().dependOnClassesThat(
            resideInAPackage("org.tarflowlm..").and(not(resideInAPackage("org.tarflowlm.corpus.."))
                .and(not(belongToAnyOf(Vocabulary.class)))))
        .check(CLASSES);
  }

  /**
   * The runtime's records carry a few of the model's plain value types (a model's config, its
   * coupling kinds, the alphabet); the ui may read those, but never the math or the tensors.
   */
  @Test
  void uiReadsOnlyTheModelsValueTypes() {
    noClasses().that().resideInAPackage("org.tarflowlm.ui..")
        .should().dependOnClassesThat(
            resideInAPackage("org.tarflowlm.model..").and(not(belongToAnyOf(
                ModelConfig.class, LayerConfig.class, CouplingType.class, Direction.class, LayerInput.class,
                Vocabulary.class, Mixture1D.class))))
        .orShould().dependOnClassesThat().resideInAPackage("ai.djl..")
        .check(CLASSES);
  }

  @Test
  void onlyTheUiUsesJavaFx() {
    noClasses().that().resideOutsideOfPackage("org.tarflowlm.ui..")
        .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.jfree..", "org.controlsfx..")
        .check(CLASSES);
  }

  /** A view model holds state and commands in properties; only its view builds the scene graph. */
  @Test
  void viewModelsTouchNoSceneGraph() {
    noClasses().that().haveSimpleNameEndingWith("ViewModel")
        .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "org.jfree..", "org.controlsfx..")
        .check(CLASSES);
  }

  @Test
  void runtimeKnowsNothingOfItsCallers() {
    noClasses().that().resideInAPackage("org.tarflowlm.runtime..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.tarflowlm.ui..", "org.tarflowlm.cli..", "org.tarflowlm.train..", "org.tarflowlm.corpus..")
        .check(CLASSES);
  }
}
