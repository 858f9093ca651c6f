package com.directuschat.chat;

import static com.directuschat.testsupport.TestUsers.ALICE_EMAIL;
import static com.directuschat.testsupport.TestUsers.ALICE_PASSWORD;
import static com.directuschat.testsupport.TestUsers.BOB_EMAIL;
import static com.directuschat.testsupport.TestUsers.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusRest;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.TestDirectus;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Mentions against the shared real Directus: what a send stores, how the pages render it for the one mentioned and
 * for others, a forged token, the suggestions, and a rename in Directus (the directory is read again after 1 s
 * here).
 */
@DirectusTest
@TestPropertySource(properties = "chat.people-max-age=1s")
class MentionsIT {

    @LocalServerPort
    int port;

    final String directus = TestDirectus.shared().url();
    ChatClient alice;
    ChatClient bob;
    String bobId;

    @BeforeEach
    void logIn() {
        alice = ChatClient.loggedIn(port, ALICE_EMAIL, ALICE_PASSWORD);
        bob = ChatClient.loggedIn(port, BOB_EMAIL, BOB_PASSWORD);
        // The page gives the client its CSRF token for the sends.
        assertThat(alice.get("/").statusCode()).isEqualTo(200);
        bobId = DirectusRest.call(directus, "GET", "/users/me", TestDirectus.loginToken(BOB_EMAIL, BOB_PASSWORD), null)
                .get("data")
                .get("id")
                .asText();
    }

    private static String tag() {
        return "mq" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** What Directus stores for the message with this tag (as the admin). */
    private String stored(String tag) {
        return DirectusRest.call(
                        directus,
                        "GET",
                        "/items/messages?fields=content&filter[content][_contains]=" + tag,
                        TestDirectus.adminToken(),
                        null)
                .get("data")
                .get(0)
                .get("content")
                .asText();
    }

    /** The mention spans of the message with this tag on the viewer's General page: their whole HTML. */
    private static String mentionIn(ChatClient viewer, String tag) {
        HttpResponse<String> page = viewer.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher message = Pattern.compile("<p class=\"content\">([^\\n]*?" + tag + "[^\\n]*?)</p>")
                .matcher(page.body());
        assertThat(message.find()).as("the message %s on the page", tag).isTrue();
        return message.group(1);
    }

    @Test
    void aTypedNameIsStoredAsTheTokenAndRenderedAsTheNameMarkedForTheOneMentioned() {
        String tag = tag();
        assertThat(alice.sendMessage("hi @Bob Example, see " + tag).statusCode())
                .isEqualTo(204);
        assertThat(stored(tag)).isEqualTo("hi <@" + bobId + ">, see " + tag);

        String forBob = mentionIn(bob, tag);
        assertThat(forBob)
                .containsPattern(
                        "<span class=\"mention mention-me ?\" data-user=\"" + bobId + "\">@Bob Example</span>");
        String forAlice = mentionIn(alice, tag);
        assertThat(forAlice)
                .containsPattern("<span class=\"mention ?\" data-user=\"" + bobId + "\">@Bob Example</span>")
                .doesNotContain("mention-me");
    }

    @Test
    void aForgedTokenRendersAsAnUnknownUserAndALinkKeepsItsAt() {
        String tag = tag();
        assertThat(alice.sendMessage("<@not-a-user> and https://example.com/@Bob Example " + tag)
                        .statusCode())
                .isEqualTo(204);
        assertThat(stored(tag)).isEqualTo("<@not-a-user> and https://example.com/@Bob Example " + tag);
        String html = mentionIn(bob, tag);
        assertThat(html)
                .contains("data-user=\"not-a-user\">@unknown user</span>", "href=\"https://example.com/@Bob\"")
                .doesNotContain("mention-me", bobId);
    }

    @Test
    void suggestionsNeedALoginAndAShortQuery() {
        HttpResponse<String> bo = alice.get("/people?q=bo", Map.of("HX-Request", "true"));
        assertThat(bo.statusCode()).isEqualTo(200);
        assertThat(bo.body()).contains("data-user=\"" + bobId + "\"", ">Bob Example</li>");
        assertThat(alice.get("/people?q=" + "b".repeat(65)).statusCode()).isEqualTo(400);
        assertThat(alice.get("/people?q=" + URLEncoder.encode("<@%'\"", StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(200);
        assertThat(new ChatClient("http://localhost:" + port)
                        .get("/people?q=bo")
                        .statusCode())
                .isNotEqualTo(200);
    }

    @Test
    void aRenameInDirectusShowsTheNewNameInEarlierMessages() {
        String tag = tag();
        assertThat(alice.sendMessage("ping @bob example " + tag).statusCode()).isEqualTo(204);
        assertThat(mentionIn(bob, tag)).contains(">@Bob Example</span>");
        String admin = TestDirectus.adminToken();
        try {
            DirectusRest.call(directus, "PATCH", "/users/" + bobId, admin, "{\"first_name\":\"Robert\"}");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(mentionIn(bob, tag))
                            .containsPattern("mention-me ?\" data-user=\"" + bobId + "\">@Robert Example</span>"));
            assertThat(mentionIn(alice, tag)).contains(">@Robert Example</span>");
        } finally {
            DirectusRest.call(directus, "PATCH", "/users/" + bobId, admin, "{\"first_name\":\"Bob\"}");
        }
    }

    @Test
    void aRoomWithUnreadMentionsSaysHowManyInItsLinkUntilItIsOpened() {
        String tag = tag();
        String slug = "mentions-" + tag;
        DirectusRest.call(
                directus,
                "POST",
                "/items/rooms",
                TestDirectus.adminToken(),
                "{\"slug\":\"" + slug + "\",\"name\":\"Mentions " + tag + "\"}");
        for (String content : new String[] {"hey @Bob Example", "no mention", "again @bob example"}) {
            assertThat(alice.postForm("/rooms/" + slug + "/messages", Map.of("content", content), true)
                            .statusCode())
                    .isEqualTo(204);
        }
        assertThat(bob.get("/").body())
                .contains("aria-label=\"Mentions " + tag + ", 3 unread, 2 mentions\"", "mention-badge");
        assertThat(alice.get("/").body())
                .doesNotContain("Mentions " + tag + ", ")
                .contains("Mentions " + tag);

        assertThat(bob.get("/rooms/" + slug).statusCode()).isEqualTo(200);
        assertThat(alice.postForm("/rooms/" + slug + "/messages", Map.of("content", "one more @Bob Example"), true)
                        .statusCode())
                .isEqualTo(204);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(bob.get("/").body())
                        .contains("aria-label=\"Mentions " + tag + ", 1 unread, 1 mention\""));
    }

    @Test
    void theMentionsPageListsMessagesThatMentionYouNewestFirstEachOpeningItsRoomAtIt() {
        String tag = tag();
        assertThat(alice.sendMessage("first for @Bob Example " + tag).statusCode())
                .isEqualTo(204);
        assertThat(alice.sendMessage("not for bob " + tag).statusCode()).isEqualTo(204);
        assertThat(alice.sendMessage("second for @Bob Example " + tag).statusCode())
                .isEqualTo(204);
        HttpResponse<String> page = bob.get("/mentions");
        assertThat(page.statusCode()).isEqualTo(200);
        String body = page.body();
        assertThat(body).contains("aria-label=\"Mentions of you\"", "href=\"/mentions\"");
        Matcher item = Pattern.compile(
                        "id=\"mention-(\\d+)\"[\\s\\S]*?href=\"(/rooms/general\\?around=(\\d+)#m-(\\d+))\"")
                .matcher(body);
        assertThat(item.find()).isTrue();
        String newest = item.group(1);
        assertThat(item.group(3)).isEqualTo(newest);
        assertThat(body.indexOf("second for ")).isLessThan(body.indexOf("first for "));
        assertThat(body).doesNotContain("not for bob " + tag);
        assertThat(body).containsPattern("mention-me ?\" data-user=\"" + bobId + "\">@Bob Example</span> " + tag);
        assertThat(alice.get("/mentions").body()).doesNotContain("for @Bob Example " + tag, "for <span");
    }
}
