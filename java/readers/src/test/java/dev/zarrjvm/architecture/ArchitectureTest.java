package dev.zarrjvm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    ALLOWED.put("jhdf", List.of("backend", "codec", "arrow", "model", "store", "errors", "runtime"));
    ALLOWED.put("bridge", List.of("backend", "arrow", "model", "store", "errors", "runtime"));
  }

  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  @Test
  void everyPackageUsesOnlyTheLayersBelowIt() {
    checkLayers(ROOT, CLASSES);
  }

  @Test
  void packagesAreFreeOfCycles() {
    checkCycles(ROOT, CLASSES);
  }

  /**
   * The two rules above fail on a cycle injected between two layers: test classes in {@code injected.model} and
   * {@code injected.arrow} that use each other (model climbing up to arrow, arrow using model) are caught by both.
   */
  @Test
  void theRulesFailOnAnInjectedCycle() {
    String root = ArchitectureTest.class.getPackageName() + ".injected";
    JavaClasses injected = new ClassFileImporter().importPackages(root);
    assertEquals(2, injected.size(), "the injected classes");
    AssertionError layers = assertThrows(AssertionError.class, () -> checkLayers(root, injected));
    assertTrue(layers.getMessage().contains("package model may use only [errors, runtime]"), layers.getMessage());
    assertTrue(layers.getMessage().contains("injected.model.UsesArrow"), layers.getMessage());
    AssertionError cycles = assertThrows(AssertionError.class, () -> checkCycles(root, injected));
    String cycle = cycles.getMessage().replaceAll("\\s+", " ");
    assertTrue(cycle.contains("Cycle detected: Slice arrow -> Slice model -> Slice arrow")
        || cycle.contains("Cycle detected: Slice model -> Slice arrow -> Slice model"), cycle);
  }

  /** Each package of {@code root} uses only the packages {@link #ALLOWED} lists for it. */
  static void checkLayers(String root, JavaClasses classes) {
    for (Map.Entry<String, List<String>> e : ALLOWED.entrySet()) {
      String[] forbidden = ALLOWED.keySet().stream()
          .filter(p -> !p.equals(e.getKey()) && !e.getValue().contains(p))
          .map(p -> root + "." + p + "..")
          .toArray(String[]::new);
      noClasses().that().resideInAPackage(root + "." + e.getKey() + "..")
          .should().dependOnClassesThat().resideInAnyPackage(forbidden)
          .because("package " + e.getKey() + " may use only " + e.getValue())
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  static void checkCycles(String root, JavaClasses classes) {
    slices().matching(root + ".(*)..").should().beFreeOfCycles().check(classes);
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
