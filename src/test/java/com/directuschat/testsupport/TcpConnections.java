package com.directuschat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** TCP connections of another process, from Linux /proc. */
public final class TcpConnections {

    private TcpConnections() {}

    /** Established TCP connections owned by the process whose remote port is {@code remotePort}. */
    public static int establishedTo(long pid, int remotePort) {
        Set<String> inodes = socketInodes(pid);
        int count = 0;
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table))) {
                    String[] f = line.strip().split("\\s+");
                    if (f.length < 10 || !f[3].equals("01")) { // 01 = ESTABLISHED
                        continue;
                    }
                    int port = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                    if (port == remotePort && inodes.contains(f[9])) {
                        count++;
                    }
                }
            } catch (NoSuchFileException e) {
                return 0; // exited meanwhile
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return count;
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (NoSuchFileException e) {
            return inodes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }
}
