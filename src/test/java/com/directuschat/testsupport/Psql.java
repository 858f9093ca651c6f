package com.directuschat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** SQL against this machine's PostgreSQL (127.0.0.1:5432, user postgres, no password) through its psql client. */
public final class Psql {

    private Psql() {}

    /** Runs {@code sql} in database {@code db}; returns the rows, unaligned, without headers. */
    public static String run(String db, String sql) {
        try {
            Process process = new ProcessBuilder(
                            "psql",
                            "-U",
                            "postgres",
                            "-h",
                            "127.0.0.1",
                            "-d",
                            db,
                            "-v",
                            "ON_ERROR_STOP=1",
                            "-At",
                            "-c",
                            sql)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("psql " + sql + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
