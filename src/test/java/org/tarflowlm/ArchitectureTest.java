package org.tarflowlm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The arrows between packages: model <- runtime <- ui / cli / train; io for files. */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.tarflowlm");

  @Test
  void modelImportsNothingOfOurs() {
    noClasses().that().resideInAPackage("org.tarflowlm.model..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.tarflowlm.runtime..", "org.tarflowlm.io..", "org.tarflowlm.cli..", "org.tarflowlm.ui..",
            "org.tarflowlm.train..")
        .check(CLASSES);
  }

  @Test
  void uiTalksToTheRuntimeOnly() {
    noClasses().that().resideInAPackage("org.tarflowlm.ui..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.tarflowlm.io..", "org.tarflowlm.train..", "org.tarflowlm.cli..")
        .check(CLASSES);
  }

  @Test
  void onlyTheUiUsesJavaFx() {
    noClasses().that().resideOutsideOfPackage("org.tarflowlm.ui..")
        .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.jfree..", "org.controlsfx..")
        .check(CLASSES);
  }

  @Test
  void runtimeKnowsNothingOfItsCallers() {
    noClasses().that().resideInAPackage("org.tarflowlm.runtime..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.tarflowlm.ui..", "org.tarflowlm.cli..", "org.tarflowlm.train..")
        .check(CLASSES);
  }
}
