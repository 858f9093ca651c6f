package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.directus.RealtimeSession.State;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The supervision on a fake clock and a scripted Directus: every timing here is exact, nothing sleeps. */
class RealtimeSessionTest {

    private static final Duration STEP = Duration.ofMillis(50);

    private FakeTimers timers;
    private FakeDirectus directus;
    private Tokens tokens;
    private Recorder listener;
    private SimpleMeterRegistry meters;

    RealtimeSessionTest() {
        reset();
    }

    private void reset() {
        timers = new FakeTimers();
        directus = new FakeDirectus(timers);
        tokens = new Tokens();
        listener = new Recorder();
        meters = new SimpleMeterRegistry();
    }

    private RealtimeSession open(Duration pingInterval) {
        DirectusProperties properties = new DirectusProperties(
                URI.create("http://directus.invalid"),
                Duration.ofSeconds(10),
                pingInterval,
                Duration.ofSeconds(30),
                Duration.ofSeconds(2),
                1);
        RealtimeSession session = new RealtimeSession(
                directus,
                properties,
                tokens,
                listener,
                timers,
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2), new Random(7)),
                new RealtimeMetrics(meters));
        session.start();
        return session;
    }

    private RealtimeSession live() {
        RealtimeSession session = open(Duration.ofSeconds(5));
        timers.advance(Duration.ofMillis(100));
        assertThat(session.state()).isEqualTo(State.LIVE);
        return session;
    }

    /** Advances in small steps until the session leaves LIVE, or {@code limit} passes; returns when it left. */
    private Duration untilNotLive(RealtimeSession session, Duration limit) {
        Duration start = timers.elapsed();
        while (session.state() == State.LIVE && timers.elapsed().minus(start).compareTo(limit) < 0) {
            timers.advance(STEP);
        }
        return timers.elapsed();
    }

    @Test
    void authenticatesAndSubscribesToIdsOnly() {
        RealtimeSession session = live();
        FakeDirectus.Connection connection = directus.last();
        assertThat(connection.sent.get(0).path("type").asString()).isEqualTo("auth");
        assertThat(connection.sent.get(0).path("access_token").asString()).isEqualTo("token-1");
        assertThat(connection.sent("subscribe").get(0).path("query").toString()).isEqualTo("{\"fields\":[\"id\"]}");
        assertThat(listener.lives).isEqualTo(1);
        assertThat(listener.states).containsExactly(State.LIVE);
        session.close();
        assertThat(connection.closed).isTrue();
        assertThat(session.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void deliversEachCreatedIdAndAnswersDirectusPings() {
        RealtimeSession session = live();
        FakeDirectus.Connection connection = directus.last();
        String uid = connection.sent("subscribe").get(0).path("uid").asString();
        connection.receive("{\"type\":\"subscription\",\"event\":\"create\",\"uid\":\"" + uid
                + "\",\"data\":[{\"id\":41},{\"id\":\"42\"}]}");
        connection.receive(
                "{\"type\":\"subscription\",\"event\":\"create\",\"uid\":\"someone-else\",\"data\":[{\"id\":9}]}");
        connection.receive("{\"type\":\"ping\"}");
        assertThat(listener.ids).containsExactly(41L, 42L);
        assertThat(connection.sent("pong")).hasSize(1);
        session.close();
    }

    /**
     * Creates, updates and deletes are three event-filtered subscriptions (Directus answers them without reading the
     * collection); the session is live once all three are, and routes each event by its kind.
     */
    @Test
    void subscribesToCreatesUpdatesAndDeletesAndIsLiveOnceAllThreeAre() {
        RealtimeSession session = open(Duration.ofSeconds(5));
        FakeDirectus.Connection connection = directus.last();
        timers.advance(Duration.ofMillis(15)); // auth answered; the three subscribes sent, none answered yet
        List<tools.jackson.databind.JsonNode> subscribes = connection.sent("subscribe");
        assertThat(subscribes)
                .extracting(f -> f.path("event").asString())
                .containsExactly("create", "update", "delete");
        String uid = subscribes.get(0).path("uid").asString();
        assertThat(subscribes)
                .extracting(f -> f.path("uid").asString())
                .containsExactly(uid, uid + ".update", uid + ".delete");
        assertThat(subscribes.get(1).path("query").toString()).isEqualTo("{\"fields\":[\"id\",\"date_updated\"]}");
        assertThat(subscribes.get(2).has("query")).isFalse();
        timers.advance(Duration.ofMillis(100));
        assertThat(session.state()).isEqualTo(State.LIVE);
        assertThat(listener.lives).isEqualTo(1);

        connection.receive("{\"type\":\"subscription\",\"event\":\"update\",\"uid\":\"" + uid + ".update\","
                + "\"data\":[{\"id\":\"7\",\"date_updated\":\"2026-11-28T10:00:00.250Z\"}]}");
        connection.receive("{\"type\":\"subscription\",\"event\":\"delete\",\"uid\":\"" + uid + ".delete\","
                + "\"data\":[\"12\",13]}");
        connection.receive("{\"type\":\"subscription\",\"event\":\"delete\",\"uid\":\"someone-else\",\"data\":[9]}");
        assertThat(listener.changes).containsExactly("updated 7 2026-11-28T10:00:00.250Z", "deleted [12, 13]");
        session.close();
    }

    @Test
    void notLiveUntilTheUpdateAndDeleteSubscriptionsAreToo() {
        RealtimeSession session = open(Duration.ofSeconds(5));
        FakeDirectus.Connection connection = directus.last();
        timers.advance(Duration.ofMillis(15)); // auth answered; the three subscribes sent, answers due at 20 ms
        connection.blackholed = true;
        timers.advance(Duration.ofMillis(10)); // the three inits are lost
        connection.blackholed = false;
        String uid = connection.sent("subscribe").get(0).path("uid").asString();
        connection.receive("{\"type\":\"subscription\",\"event\":\"init\",\"uid\":\"" + uid + "\"}");
        connection.receive("{\"type\":\"subscription\",\"event\":\"init\",\"uid\":\"" + uid + ".delete\"}");
        assertThat(session.state()).isNotEqualTo(State.LIVE);
        connection.receive("{\"type\":\"subscription\",\"event\":\"init\",\"uid\":\"" + uid + ".update\"}");
        assertThat(session.state()).isEqualTo(State.LIVE);
        session.close();
    }

    @Test
    void aLinkCutRightAfterAPongIsReportedWithinTenSecondsThenComesBackAndBackfills() {
        RealtimeSession session = live();
        FakeDirectus.Connection first = directus.last();
        // Up to the first pong (ping at 5 s, pong 10 ms later), then the network goes silent: no FIN, no RST.
        while (first.sent("ping").isEmpty()) {
            timers.advance(Duration.ofMillis(1));
        }
        timers.advance(directus.roundTrip);
        first.blackholed = true;
        Duration cutAt = timers.elapsed();

        Duration reportedAt = untilNotLive(session, Duration.ofSeconds(30));

        assertThat(session.state()).isEqualTo(State.RECONNECTING);
        assertThat(reportedAt.minus(cutAt)).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(first.aborted).isTrue();
        assertThat(first.sent("ping")).as("two pings went unanswered").hasSize(3);
        assertThat(listener.states).containsExactly(State.LIVE, State.RECONNECTING);

        timers.advance(Duration.ofSeconds(1));
        assertThat(directus.connections).hasSize(2);
        assertThat(session.state()).isEqualTo(State.LIVE);
        assertThat(listener.lives).as("live again: time to backfill").isEqualTo(2);
        session.close();
    }

    @Test
    void aCutAtAnyMomentIsReportedWithinTenSeconds() {
        for (int offsetMs = 0; offsetMs < 5000; offsetMs += 125) {
            reset();
            RealtimeSession session = live();
            timers.advance(Duration.ofMillis(5000 + offsetMs));
            directus.last().blackholed = true;
            Duration cutAt = timers.elapsed();
            Duration reportedAt = untilNotLive(session, Duration.ofSeconds(30));
            assertThat(reportedAt.minus(cutAt))
                    .as("cut %d ms into a ping interval", offsetMs)
                    .isLessThanOrEqualTo(Duration.ofSeconds(10));
            assertThat(session.state()).isEqualTo(State.RECONNECTING);
            session.close();
        }
    }

    @Test
    void withAPongEveryIntervalItNeverReconnects() {
        directus.roundTrip = Duration.ofMillis(1900);
        RealtimeSession session = open(Duration.ofSeconds(5));
        timers.advance(Duration.ofSeconds(4));
        assertThat(session.state()).isEqualTo(State.LIVE);
        untilNotLive(session, Duration.ofMinutes(10));
        assertThat(session.state()).isEqualTo(State.LIVE);
        assertThat(directus.connections).hasSize(1);
        // A ping after each 5 s of silence, whose pong takes 1.9 s: one every 6.9 s, about 87 in 10 minutes.
        assertThat(directus.last().sent("ping")).hasSizeBetween(80, 90);
        session.close();
    }

    /** Directus's own heartbeat (a ping every 30 s, which we answer) keeps an idle link quiet: no ping of ours. */
    @Test
    void anIdleLinkThatHearsDirectusSendsNoPingsOfItsOwn() {
        directus.answersPings = false;
        RealtimeSession session = open(Duration.ofSeconds(35));
        timers.advance(Duration.ofMillis(100));
        assertThat(session.state()).isEqualTo(State.LIVE);
        FakeDirectus.Connection connection = directus.last();
        for (int i = 0; i < 20; i++) {
            timers.advance(Duration.ofSeconds(30));
            connection.receive("{\"type\":\"ping\"}");
        }
        assertThat(session.state()).isEqualTo(State.LIVE);
        assertThat(connection.sent("ping")).isEmpty();
        assertThat(connection.sent("pong")).hasSize(20);
        session.close();
    }

    @Test
    void anyFrameCountsAsLife() {
        directus.answersPings = false;
        RealtimeSession session = live();
        FakeDirectus.Connection connection = directus.last();
        for (int i = 0; i < 120; i++) {
            timers.advance(Duration.ofSeconds(1));
            connection.receive("{\"type\":\"ping\"}");
        }
        assertThat(session.state()).isEqualTo(State.LIVE);
        assertThat(directus.connections).hasSize(1);
        session.close();
    }

    @Test
    void aClosedSocketIsReportedAtOnceAndReconnected() {
        RealtimeSession session = live();
        assertThat(meters.get("directus.realtime.sessions").gauge().value()).isEqualTo(1);
        assertThat(meters.get("directus.realtime.reconnects").counter().count()).isZero();
        directus.last().end();
        assertThat(session.state()).isEqualTo(State.RECONNECTING);
        timers.advance(Duration.ofSeconds(1));
        assertThat(session.state()).isEqualTo(State.LIVE);
        assertThat(listener.lives).isEqualTo(2);
        assertThat(meters.get("directus.realtime.connects").counter().count()).isEqualTo(2);
        assertThat(meters.get("directus.realtime.reconnects").counter().count()).isEqualTo(1);
        session.close();
        session.close();
        assertThat(meters.get("directus.realtime.sessions").gauge().value()).isZero();
    }

    @Test
    void anUnansweredHandshakeReconnects() {
        directus.answersAuth = false;
        RealtimeSession session = open(Duration.ofSeconds(5));
        timers.advance(Duration.ofSeconds(19));
        assertThat(directus.connections).hasSize(1);
        assertThat(directus.last().aborted).isFalse();
        directus.answersAuth = true;
        // Twice the 10 s request timeout after the auth went out.
        timers.advance(Duration.ofSeconds(2));
        assertThat(directus.connections.get(0).aborted).isTrue();
        assertThat(directus.connections).hasSize(2);
        assertThat(session.state()).isEqualTo(State.LIVE);
        session.close();
    }

    @Test
    void keepsRetryingWhileDirectusIsDownAndComesBackLive() {
        RealtimeSession session = live();
        directus.reachable = false;
        directus.last().end();
        timers.advance(Duration.ofSeconds(30));
        assertThat(session.state()).isEqualTo(State.OFFLINE);
        directus.reachable = true;
        timers.advance(Duration.ofSeconds(3));
        assertThat(session.state()).isEqualTo(State.LIVE);
        assertThat(listener.lives).isEqualTo(2);
        session.close();
    }

    @Test
    void anExpiredTokenIsReplacedAtOnceAndTheSessionBackfills() {
        RealtimeSession session = live();
        FakeDirectus.Connection connection = directus.last();
        connection.receive("""
                {"type":"auth","status":"error","error":{"code":"TOKEN_EXPIRED","message":"Token expired."}}""");
        timers.advance(Duration.ofMillis(100));
        assertThat(tokens.rejected).containsExactly("token-1");
        assertThat(connection.sent("auth").get(1).path("access_token").asString())
                .isEqualTo("token-2");
        assertThat(listener.lives).isEqualTo(2);
        assertThat(directus.connections).hasSize(1);
        session.close();
    }

    @Test
    void reauthenticatesBeforeTheTokenExpires() {
        tokens.renewAt = Instant.parse("2026-01-01T00:01:00Z");
        RealtimeSession session = live();
        timers.advance(Duration.ofSeconds(61));
        assertThat(directus.last().sent("auth"))
                .extracting(f -> f.path("access_token").asString())
                .containsExactly("token-1", "token-2");
        assertThat(listener.lives).isEqualTo(2);
        session.close();
    }

    @Test
    void aRevokedLoginEndsTheSessionWithoutReconnecting() {
        RealtimeSession session = live();
        tokens.revoked = true;
        directus.last().receive("{\"type\":\"auth\",\"status\":\"error\",\"error\":{\"code\":\"TOKEN_EXPIRED\"}}");
        timers.advance(Duration.ofSeconds(30));
        assertThat(listener.authLost).isTrue();
        assertThat(session.state()).isEqualTo(State.CLOSED);
        assertThat(directus.connections).hasSize(1);
    }

    @Test
    void aRefusedSubscriptionIsForbidden() {
        RealtimeSession session = open(Duration.ofSeconds(5));
        directus.last().receive("{\"type\":\"auth\",\"status\":\"ok\"}");
        directus.last().receive("{\"type\":\"subscribe\",\"status\":\"error\",\"error\":{\"code\":\"FORBIDDEN\"}}");
        assertThat(session.state()).isEqualTo(State.FORBIDDEN);
        session.close();
    }

    /** Like TokenHolder: a token asked for at or after its renewal time is a fresh one, valid for an hour. */
    private final class Tokens implements AccessTokenSource {

        final List<String> rejected = new ArrayList<>();
        int issued = 1;
        boolean revoked;
        Instant renewAt = Instant.parse("2026-01-01T01:00:00Z");

        @Override
        public String accessToken() {
            if (revoked) {
                throw new DirectusException(401, "INVALID_CREDENTIALS", "revoked");
            }
            if (!timers.now().isBefore(renewAt)) {
                issued++;
                renewAt = timers.now().plusSeconds(3600);
            }
            return "token-" + issued;
        }

        @Override
        public String refreshAfterRejection(String token) {
            rejected.add(token);
            if (revoked) {
                throw new DirectusException(401, "INVALID_CREDENTIALS", "revoked");
            }
            issued++;
            renewAt = timers.now().plusSeconds(3600);
            return "token-" + issued;
        }

        @Override
        public Instant renewAt() {
            return renewAt;
        }
    }

    private static final class Recorder implements RealtimeListener {

        final List<State> states = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();
        final List<String> changes = new ArrayList<>();
        int lives;
        boolean authLost;

        @Override
        public void onLive() {
            lives++;
        }

        @Override
        public void onMessageCreated(long id) {
            ids.add(id);
        }

        @Override
        public void onMessageUpdated(long id, Instant updatedAt) {
            changes.add("updated " + id + " " + updatedAt);
        }

        @Override
        public void onMessagesDeleted(List<Long> ids) {
            changes.add("deleted " + ids);
        }

        @Override
        public void onStateChanged(State state) {
            states.add(state);
        }

        @Override
        public void onAuthLost() {
            authLost = true;
        }
    }
}
