package com.directuschat.directus.local;

import java.nio.file.Path;

/** A finished install: the Node 22 binary and Directus' cli.js. */
public record DirectusInstallation(Path node, Path directusCli) {}
