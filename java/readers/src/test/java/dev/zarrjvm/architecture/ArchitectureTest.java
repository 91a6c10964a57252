package dev.zarrjvm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The readers' packages form layers: each may use only the packages listed for it (all below it), so the data path
 * reads top to bottom and nothing climbs back. Backends are found by ServiceLoader, so nothing names an adapter.
 */
class ArchitectureTest {
  private static final String ROOT = "dev.zarrjvm";
  /** Each package and the zarrjvm packages it may use; every main class lives in one of them. */
  static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("errors", List.of());
    ALLOWED.put("runtime", List.of());
    ALLOWED.put("store", List.of("errors", "runtime"));
    ALLOWED.put("model", List.of("errors", "runtime"));
    ALLOWED.put("codec", List.of("errors", "runtime"));
    ALLOWED.put("arrow", List.of("model", "errors", "runtime"));
    ALLOWED.put("backend", List.of("arrow", "model", "store", "errors", "runtime"));
    ALLOWED.put("zarr", List.of("backend", "codec", "arrow", "model", "store", "errors", "runtime"));
    ALLOWED.put("zarrjava", List.of("zarr", "backend", "arrow", "model", "store", "errors", "runtime"));
    ALLOWED.put("jzarr", List.of("zarr", "backend", "arrow", "model", "store", "errors", "runtime"));
    ALLOWED.put("netcdf", List.of("backend", "arrow", "model", "store", "errors", "runtime"));
    ALLOWED.put("jhdf", List.of("backend", "arrow", "model", "store", "errors", "runtime"));
    ALLOWED.put("bridge", List.of("backend", "arrow", "model", "store", "errors", "runtime"));
  }

  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  @Test
  void everyPackageUsesOnlyTheLayersBelowIt() {
    for (Map.Entry<String, List<String>> e : ALLOWED.entrySet()) {
      String[] forbidden = ALLOWED.keySet().stream()
          .filter(p -> !p.equals(e.getKey()) && !e.getValue().contains(p))
          .map(p -> ROOT + "." + p + "..")
          .toArray(String[]::new);
      noClasses().that().resideInAPackage(ROOT + "." + e.getKey() + "..")
          .should().dependOnClassesThat().resideInAnyPackage(forbidden)
          .because("package " + e.getKey() + " may use only " + e.getValue())
          .check(CLASSES);
    }
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void everyClassIsInAKnownLayer() {
    String[] known = ALLOWED.keySet().stream().map(p -> ROOT + "." + p + "..").toArray(String[]::new);
    classes().that().resideInAPackage(ROOT + "..").should().resideInAnyPackage(known)
        .because("a new package takes its place in ArchitectureTest.ALLOWED (and in the README's layer picture)")
        .check(CLASSES);
  }

  @Test
  void adaptersAreFoundByServiceLoaderNotNamed() {
    String[] adapters = {ROOT + ".zarrjava..", ROOT + ".jzarr..", ROOT + ".netcdf..", ROOT + ".jhdf.."};
    noClasses().that().resideOutsideOfPackages(adapters)
        .should().dependOnClassesThat().resideInAnyPackage(adapters)
        .check(CLASSES);
  }
}
