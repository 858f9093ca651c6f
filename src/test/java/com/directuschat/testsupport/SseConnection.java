package com.directuschat.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** An open event stream, read on a background thread; events collect in order. */
public final class SseConnection implements AutoCloseable {

    private final HttpResponse<InputStream> response;
    private final List<SseEvent> events = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<SseEvent>> listeners = new CopyOnWriteArrayList<>();
    private final StringBuilder raw = new StringBuilder();
    private final Thread reader;
    private volatile boolean ended;
    /** How the server's side broke off (a connection torn down mid-response), if it did. */
    private volatile IOException broken;

    private volatile boolean closing;

    SseConnection(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Called on the reader thread for every event from now on. */
    public void onEvent(java.util.function.Consumer<SseEvent> listener) {
        listeners.add(listener);
    }

    public int status() {
        return response.statusCode();
    }

    public java.net.http.HttpHeaders headers() {
        return response.headers();
    }

    public List<SseEvent> events() {
        return List.copyOf(events);
    }

    public List<SseEvent> messages() {
        return events.stream().filter(SseEvent::isMessage).toList();
    }

    /** Everything received, byte for byte (for secret scans). */
    public synchronized String raw() {
        return raw.toString();
    }

    public boolean ended() {
        return ended;
    }

    public SseEvent await(Predicate<SseEvent> match, Duration timeout) {
        return Awaitility.await()
                .atMost(timeout)
                .until(() -> events.stream().filter(match).findFirst().orElse(null), e -> e != null);
    }

    /** Ended by the server finishing the response, not by a torn connection (nor by our {@link #close()}). */
    public boolean endedCleanly() {
        return ended && broken == null && !closing;
    }

    public void awaitEnd(Duration timeout) {
        Awaitility.await().atMost(timeout).until(this::ended);
    }

    private void read() {
        try (InputStream in = response.body()) {
            String id = null;
            String name = null;
            List<String> data = new ArrayList<>();
            byte[] buffer = new byte[8192];
            java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                pending.write(buffer, 0, n);
                String text = pending.toString(StandardCharsets.UTF_8);
                int lastNewline = text.lastIndexOf('\n');
                if (lastNewline < 0) {
                    continue;
                }
                String complete = text.substring(0, lastNewline + 1);
                byte[] rest = text.substring(lastNewline + 1).getBytes(StandardCharsets.UTF_8);
                pending.reset();
                pending.write(rest, 0, rest.length);
                synchronized (this) {
                    raw.append(complete);
                }
                // complete ends with '\n': the piece after it is not a blank line.
                String[] lines = complete.split("\n", -1);
                for (String l : java.util.Arrays.copyOf(lines, lines.length - 1)) {
                    if (l.isEmpty()) {
                        if (!data.isEmpty() || name != null) {
                            SseEvent event = new SseEvent(
                                    id, name == null ? "message" : name, String.join("\n", data), System.nanoTime());
                            events.add(event);
                            listeners.forEach(listener -> listener.accept(event));
                        }
                        id = null;
                        name = null;
                        data.clear();
                    } else if (l.startsWith("id:")) {
                        id = l.substring(3).strip();
                    } else if (l.startsWith("event:")) {
                        name = l.substring(6).strip();
                    } else if (l.startsWith("data:")) {
                        data.add(l.substring(5).startsWith(" ") ? l.substring(6) : l.substring(5));
                    }
                }
            }
        } catch (IOException e) {
            // closed by us, or the connection broke off
            if (!closing) {
                broken = e;
            }
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            response.body().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reader.interrupt();
    }
}
