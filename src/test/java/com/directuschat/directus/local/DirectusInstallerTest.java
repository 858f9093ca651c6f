package com.directuschat.directus.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hints a failed npm install gets, from npm's own error lines. */
class DirectusInstallerTest {

    @Test
    void anUntrustedCertificateNamesNodeExtraCaCerts() {
        assertThat(DirectusInstaller.hint("npm error code SELF_SIGNED_CERT_IN_CHAIN | npm error errno"
                        + " SELF_SIGNED_CERT_IN_CHAIN | npm error request to https://registry.npmjs.org/directus failed,"
                        + " reason: self-signed certificate in certificate chain"))
                .contains("NODE_EXTRA_CA_CERTS");
    }

    @Test
    void aFailedNativeBuildNamesTheBuildTools() {
        assertThat(DirectusInstaller.hint("npm error gyp ERR! stack Error: not found: make"))
                .contains("python3, make and a C++ compiler");
    }

    @Test
    void anUnknownErrorGetsNoHint() {
        assertThat(DirectusInstaller.hint("npm error code E404 | npm error 404 Not Found - GET directus"))
                .isEmpty();
    }
}
