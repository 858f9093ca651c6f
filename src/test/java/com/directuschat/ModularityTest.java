package com.directuschat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The modules (each top-level package, and the nested directus.local) use only what the others expose and only the
 * modules their package-info allows, without cycles; their diagram in docs/modules is the same model's.
 */
class ModularityTest {

    static final String OUTPUT = "target/modules";
    private static final Path DOCS = Path.of("docs/modules");

    private final ApplicationModules modules = ApplicationModules.of(DirectusChatApplication.class);

    @Test
    void modulesOnlyUseWhatTheirPackageInfoAllows() {
        modules.verify();
    }

    @Test
    void directusNeedsNoOtherModuleAndItsLocalRunnerIsAModuleOfItsOwn() {
        assertThat(modules.getModuleByName("directus"))
                .hasValueSatisfying(directus -> assertThat(directus.getDirectDependencies(modules)
                                .uniqueModules()
                                .map(ApplicationModule::getName))
                        .isEmpty());
        assertThat(modules.getModuleForPackage("com.directuschat.directus.local"))
                .hasValueSatisfying(local ->
                        assertThat(local.getBasePackage().getName()).isEqualTo("com.directuschat.directus.local"));
    }

    /**
     * Writes the diagrams (PlantUML, C4 style) under target/modules and checks that docs/modules, which
     * docs/architecture.md links, holds the same: a change of the modules fails here until the diagrams are updated
     * ({@code ./mvnw test -Dtest=ModularityTest -Dmodules.update=true} copies them over).
     */
    @Test
    void theModuleDiagramInDocsIsTheModelsOwn() throws IOException {
        new Documenter(modules, Documenter.Options.defaults().withOutputFolder(OUTPUT))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml();
        sortRelations();
        assertThat(Files.readString(Path.of(OUTPUT, "components.puml")))
                .contains(
                        "\"Auth\"",
                        "\"Chat\"",
                        "\"Directus\"",
                        "\"Presence\"",
                        "\"Provision\"",
                        "\"Rate limits\"",
                        "\"Search\"",
                        "\"Web\"");
        // The nested module has a diagram of its own: it uses provision, which the directus module never does.
        assertThat(Files.readString(Path.of(OUTPUT, "module-directus.local.puml")))
                .containsPattern("Rel\\(\\S*LocalDirectus, \\S*Provision, ");
        List<Path> written;
        try (Stream<Path> files = Files.list(Path.of(OUTPUT))) {
            written = files.filter(f -> f.toString().endsWith(".puml")).sorted().toList();
        }
        if (Boolean.getBoolean("modules.update")) {
            for (Path file : written) {
                Files.copy(file, DOCS.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Path file : written) {
            assertThat(DOCS.resolve(file.getFileName()))
                    .as(
                            "%s is out of date: ./mvnw test -Dtest=ModularityTest -Dmodules.update=true",
                            file.getFileName())
                    .exists()
                    .hasSameTextualContentAs(file);
        }
        try (Stream<Path> files = Files.list(DOCS)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .as("diagrams in docs/modules of modules that are gone")
                    .containsExactlyElementsOf(written.stream()
                            .map(f -> f.getFileName().toString())
                            .toList());
        }
    }

    /** The Documenter writes elements in no fixed order: sorted, a rerun changes the files only when the modules do. */
    private static void sortRelations() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(OUTPUT))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".puml")).toList()) {
                List<String> lines = new ArrayList<>(Files.readAllLines(file));
                for (String kind : List.of("Rel(", "Component(")) {
                    List<Integer> at = IntStream.range(0, lines.size())
                            .filter(i -> lines.get(i).strip().startsWith(kind))
                            .boxed()
                            .toList();
                    List<String> sorted = at.stream().map(lines::get).sorted().toList();
                    for (int i = 0; i < at.size(); i++) {
                        lines.set(at.get(i), sorted.get(i));
                    }
                }
                Files.write(file, lines);
            }
        }
    }
}
