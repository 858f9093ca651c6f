package com.directuschat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The source rules the build keeps: small classes, each saying why it exists. Format is spotless's job. */
class SourceRulesTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final int MAX_LINES = 400;
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "^(public |abstract |final |sealed |non-sealed )*(class|record|interface|enum|@interface) ",
            Pattern.MULTILINE);

    @Test
    void noClassIsOverFourHundredLines() throws IOException {
        assertThat(sources())
                .allSatisfy(file -> assertThat(Files.readAllLines(file))
                        .as("%s has more than %d lines", file, MAX_LINES)
                        .hasSizeLessThanOrEqualTo(MAX_LINES));
    }

    @Test
    void everyClassSaysWhyInItsJavadoc() throws IOException {
        assertThat(sources()).allSatisfy(file -> {
            String text = Files.readString(file);
            var type = TOP_LEVEL_TYPE.matcher(text);
            assertThat(type.find()).as("%s declares a type", file).isTrue();
            String before = text.substring(0, type.start()).replaceAll("(?m)^@.*\\R", "");
            assertThat(before.stripTrailing())
                    .as("%s has a Javadoc on its type", file)
                    .endsWith("*/");
        });
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("package-info.java"))
                    .sorted()
                    .toList();
        }
    }
}
