package dev.zarrjvm.spark;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DataSource sits on the readers' public layers only, as Python does: it opens arrays through
 * {@code backend.Readers} (the one open path, adapters found by ServiceLoader), so it names no adapter (zarr, zarrjava,
 * jzarr, netcdf, jhdf), no codec and not Python's bridge. The readers' own layering is checked by their
 * ArchitectureTest.
 */
class SparkArchitectureTest {
  private static final String ROOT = "dev.zarrjvm";
  /** The readers' packages the DataSource may use. */
  static final List<String> ALLOWED = List.of("arrow", "backend", "errors", "model", "store", "runtime");

  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT + ".spark");

  @Test
  void usesOnlyTheReadersPublicLayers() {
    String[] allowed = ALLOWED.stream().map(p -> ROOT + "." + p + "..").toArray(String[]::new);
    classes().that().resideInAPackage(ROOT + ".spark..")
        .should().onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..")
            .or(resideInAnyPackage(ROOT + ".spark..")).or(resideInAnyPackage(allowed)))
        .because("the DataSource may use only the readers' packages " + ALLOWED)
        .check(CLASSES);
  }
}
