package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.directus.RealtimeProtocol.AuthOk;
import com.directuschat.directus.RealtimeProtocol.AuthRefused;
import com.directuschat.directus.RealtimeProtocol.Created;
import com.directuschat.directus.RealtimeProtocol.Deleted;
import com.directuschat.directus.RealtimeProtocol.Error;
import com.directuschat.directus.RealtimeProtocol.Other;
import com.directuschat.directus.RealtimeProtocol.Ping;
import com.directuschat.directus.RealtimeProtocol.Pong;
import com.directuschat.directus.RealtimeProtocol.SubscribeRefused;
import com.directuschat.directus.RealtimeProtocol.Subscribed;
import com.directuschat.directus.RealtimeProtocol.Unreadable;
import com.directuschat.directus.RealtimeProtocol.Updated;
import com.directuschat.directus.RealtimeProtocol.Version;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class RealtimeProtocolTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void readsAuthAnswers() {
        assertThat(RealtimeProtocol.parse("{\"type\":\"auth\",\"status\":\"ok\"}"))
                .isEqualTo(new AuthOk());
        assertThat(RealtimeProtocol.parse("""
                {"type":"auth","status":"error","error":{"code":"TOKEN_EXPIRED","message":"Token expired."}}""")).isEqualTo(new AuthRefused("TOKEN_EXPIRED"));
    }

    @Test
    void readsSubscriptionInitAndCreatesWithIdsAsNumbersOrStrings() {
        assertThat(RealtimeProtocol.parse("{\"type\":\"subscription\",\"event\":\"init\",\"uid\":\"messages-1\"}"))
                .isEqualTo(new Subscribed("messages-1"));
        assertThat(RealtimeProtocol.parse("""
                {"type":"subscription","event":"create","uid":"messages-1","data":[{"id":7},{"id":"8"}]}""")).isEqualTo(new Created("messages-1", List.of(7L, 8L), 0));
    }

    @Test
    void countsCreatedItemsWithoutAReadableId() {
        assertThat(RealtimeProtocol.parse("""
                {"type":"subscription","event":"create","data":[{"id":3},{},{"id":"x"},{"id":null},5]}""")).isEqualTo(new Created(null, List.of(3L), 4));
    }

    /** What Directus 12.4.0 sends for {@code fields: ["id","date_updated"]}: ids as numbers or strings. */
    @Test
    void readsUpdatesWithTheirVersion() {
        assertThat(RealtimeProtocol.parse("""
                {"type":"subscription","event":"update","uid":"messages-1.update",
                 "data":[{"id":7,"date_updated":"2026-11-28T10:00:00.123Z"},{"id":"8","date_updated":"2026-11-28T10:00:01"},
                         {"id":9,"date_updated":null},{"id":10},{"date_updated":"2026-11-28T10:00:00Z"},{"id":11,"date_updated":"soon"}]}"""))
                .isEqualTo(new Updated(
                        "messages-1.update",
                        List.of(
                                new Version(7, Instant.parse("2026-11-28T10:00:00.123Z")),
                                new Version(8, Instant.parse("2026-11-28T10:00:01Z")),
                                new Version(9, null),
                                new Version(10, null),
                                new Version(11, null)),
                        1));
    }

    /** A delete carries the keys themselves: strings when deleted by URL ({@code DELETE /items/messages/12}). */
    @Test
    void readsDeletesWithIdsAsStringsOrNumbers() {
        assertThat(RealtimeProtocol.parse("""
                {"type":"subscription","event":"delete","uid":"messages-1.delete","data":["12","13"]}""")).isEqualTo(new Deleted("messages-1.delete", List.of(12L, 13L), 0));
        assertThat(RealtimeProtocol.parse("""
                {"type":"subscription","event":"delete","uid":"messages-1.delete","data":[14,15]}""")).isEqualTo(new Deleted("messages-1.delete", List.of(14L, 15L), 0));
        assertThat(RealtimeProtocol.parse("""
                {"type":"subscription","event":"delete","data":["16",{"id":17},"x",null,true]}""")).isEqualTo(new Deleted(null, List.of(16L, 17L), 3));
        assertThat(RealtimeProtocol.parse("{\"type\":\"subscription\",\"event\":\"delete\",\"data\":\"18\"}"))
                .isEqualTo(new Deleted(null, List.of(18L), 0));
        assertThat(RealtimeProtocol.parse("{\"type\":\"subscription\",\"event\":\"delete\"}"))
                .isEqualTo(new Deleted(null, List.of(), 0));
    }

    @Test
    void readsARefusedSubscription() {
        assertThat(RealtimeProtocol.parse("""
                {"type":"subscribe","status":"error","uid":"messages-2",
                 "error":{"code":"FORBIDDEN","message":"You don't have permission to access this."}}""")).isEqualTo(new SubscribeRefused("messages-2", "FORBIDDEN"));
    }

    @Test
    void readsPingsAndPongsWithTheirUid() {
        assertThat(RealtimeProtocol.parse("{\"type\":\"ping\"}")).isEqualTo(new Ping());
        assertThat(RealtimeProtocol.parse("{\"type\":\"pong\",\"uid\":\"ping-3\"}"))
                .isEqualTo(new Pong("ping-3"));
        assertThat(RealtimeProtocol.parse("{\"type\":\"pong\"}")).isEqualTo(new Pong(null));
    }

    @Test
    void readsOtherErrorsAndIgnoresWhatItDoesNotUse() {
        assertThat(RealtimeProtocol.parse("""
                {"type":"items","status":"error","error":{"code":"INVALID_PAYLOAD","message":"bad"}}""")).isEqualTo(new Error("items", "INVALID_PAYLOAD", "bad"));
        assertThat(RealtimeProtocol.parse("{\"type\":\"subscription\",\"event\":\"unsubscribe\",\"uid\":\"x\"}"))
                .isEqualTo(new Other("subscription"));
        assertThat(RealtimeProtocol.parse("{\"status\":\"ok\"}")).isEqualTo(new Other(""));
    }

    @Test
    void readsNonJsonAsUnreadable() {
        assertThat(RealtimeProtocol.parse("<html>502</html>")).isEqualTo(new Unreadable());
        assertThat(RealtimeProtocol.parse("[1,2]")).isEqualTo(new Unreadable());
        assertThat(RealtimeProtocol.parse("")).isEqualTo(new Unreadable());
    }

    @Test
    void writesFrames() {
        assertThat(json.readTree(RealtimeProtocol.auth("tok")))
                .isEqualTo(json.readTree("{\"type\":\"auth\",\"access_token\":\"tok\"}"));
        assertThat(json.readTree(RealtimeProtocol.subscribe("messages-4"))).isEqualTo(json.readTree("""
                {"type":"subscribe","collection":"messages","event":"create","uid":"messages-4",
                 "query":{"fields":["id"]}}"""));
        assertThat(json.readTree(RealtimeProtocol.subscribeUpdates("messages-4")))
                .isEqualTo(json.readTree("""
                {"type":"subscribe","collection":"messages","event":"update","uid":"messages-4.update",
                 "query":{"fields":["id","date_updated"]}}"""));
        assertThat(json.readTree(RealtimeProtocol.subscribeDeletes("messages-4")))
                .isEqualTo(json.readTree("""
                {"type":"subscribe","collection":"messages","event":"delete","uid":"messages-4.delete"}"""));
        assertThat(json.readTree(RealtimeProtocol.ping("ping-1")))
                .isEqualTo(json.readTree("{\"type\":\"ping\",\"uid\":\"ping-1\"}"));
        assertThat(json.readTree(RealtimeProtocol.pong())).isEqualTo(json.readTree("{\"type\":\"pong\"}"));
    }
}
