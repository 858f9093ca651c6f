package com.directuschat.directus.local;

import java.nio.file.Path;

/** Child JVM for {@link DirectusInstallerIT}: installs Directus into the given cache dir, as the app's first start does. */
public final class InstallDirectusMain {

    public static void main(String[] args) {
        LocalDirectusProperties props = LocalDirectusProperties.defaults().withCacheDir(Path.of(args[0]));
        DirectusInstallation installation =
                DirectusInstaller.forProperties(props).ensureDirectus();
        System.out.println("INSTALLED " + installation.node() + " " + installation.directusCli());
    }
}
