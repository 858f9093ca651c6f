package com.directuschat.directus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A scripted Directus behind {@link RealtimeConnection}s on {@link FakeTimers}: answers auth, subscribe and
 * pings after {@link #roundTrip}, unless the link is black-holed or the answer is switched off.
 */
final class FakeDirectus implements RealtimeConnection.Opener {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final FakeTimers timers;
    final List<Connection> connections = new CopyOnWriteArrayList<>();
    Duration roundTrip = Duration.ofMillis(10);
    boolean reachable = true;
    boolean answersAuth = true;
    boolean answersPings = true;

    FakeDirectus(FakeTimers timers) {
        this.timers = timers;
    }

    @Override
    public CompletableFuture<RealtimeConnection> open(RealtimeConnection.Listener listener) {
        if (!reachable) {
            return CompletableFuture.failedFuture(new java.net.ConnectException("refused"));
        }
        Connection connection = new Connection(listener);
        connections.add(connection);
        return CompletableFuture.completedFuture(connection);
    }

    Connection last() {
        return connections.get(connections.size() - 1);
    }

    final class Connection implements RealtimeConnection {

        final RealtimeConnection.Listener listener;
        final List<JsonNode> sent = new ArrayList<>();
        boolean blackholed;
        boolean aborted;
        boolean closed;

        Connection(RealtimeConnection.Listener listener) {
            this.listener = listener;
        }

        @Override
        public void send(String text) {
            JsonNode frame = JSON.readTree(text);
            sent.add(frame);
            if (blackholed) {
                return;
            }
            switch (frame.path("type").asString()) {
                case "auth" -> answer(answersAuth ? "{\"type\":\"auth\",\"status\":\"ok\"}" : null);
                case "subscribe" ->
                    answer("{\"type\":\"subscription\",\"event\":\"init\",\"uid\":\""
                            + frame.path("uid").asString() + "\"}");
                case "ping" ->
                    answer(
                            answersPings
                                    ? "{\"type\":\"pong\",\"uid\":\""
                                            + frame.path("uid").asString() + "\"}"
                                    : null);
                default -> {}
            }
        }

        /** A frame from Directus now, unless black-holed. */
        void receive(String text) {
            if (!blackholed && !aborted && !closed) {
                listener.onText(this, text);
            }
        }

        /** Directus closes the socket (or it errors). */
        void end() {
            listener.onClosed(this, "closed by the fake");
        }

        List<JsonNode> sent(String type) {
            return sent.stream()
                    .filter(f -> type.equals(f.path("type").asString()))
                    .toList();
        }

        private void answer(String text) {
            if (text != null) {
                timers.schedule(roundTrip, () -> receive(text));
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }
}
