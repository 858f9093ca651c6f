package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.chat.MessageText.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTextTest {

    private static Segment text(String text) {
        return Segment.text(text);
    }

    private static Segment link(String url) {
        return Segment.link(url);
    }

    private static List<String> links(String content) {
        return MessageText.segments(content).stream()
                .filter(Segment::isLink)
                .map(Segment::href)
                .toList();
    }

    @Test
    void plainTextIsOneTextSegment() {
        assertThat(MessageText.segments("hello there")).containsExactly(text("hello there"));
        assertThat(MessageText.segments("")).isEmpty();
        assertThat(MessageText.segments(null)).isEmpty();
    }

    @Test
    void httpAndHttpsUrlsBecomeLinksBetweenTextSegments() {
        assertThat(MessageText.segments("see https://example.com/a?b=1&c=2#d and http://x.org now"))
                .containsExactly(
                        text("see "),
                        link("https://example.com/a?b=1&c=2#d"),
                        text(" and "),
                        link("http://x.org"),
                        text(" now"));
        assertThat(MessageText.segments("https://example.com")).containsExactly(link("https://example.com"));
        assertThat(links("HTTPS://EXAMPLE.COM/X")).containsExactly("HTTPS://EXAMPLE.COM/X");
        assertThat(links("line one\nhttps://a.example\nline three")).containsExactly("https://a.example");
        assertThat(links("http://127.0.0.1:8080/x http://[::1]:80/"))
                .containsExactly("http://127.0.0.1:8080/x", "http://[::1]:80/");
        assertThat(links("https://例え.jp/パス")).containsExactly("https://例え.jp/パス");
    }

    @Test
    void otherSchemesAndBareHostsStayText() {
        for (String content : List.of(
                "javascript:alert(1)",
                "JavaScript:alert('http')",
                "data:text/html,<b>x</b>",
                "ftp://example.com/file",
                "mailto:a@example.com",
                "file:///etc/passwd",
                "www.example.com",
                "vbscript:msgbox",
                "http://",
                "https://",
                "http:///path",
                "https://.",
                "xhttps://example.com",
                "hxxp://example.com",
                "http:/example.com")) {
            assertThat(MessageText.segments(content)).as(content).containsExactly(text(content));
        }
    }

    @Test
    void trailingPunctuationIsNotPartOfTheLink() {
        assertThat(MessageText.segments("Look at https://example.com/page."))
                .containsExactly(text("Look at "), link("https://example.com/page"), text("."));
        assertThat(MessageText.segments("(see https://example.com/a)"))
                .containsExactly(text("(see "), link("https://example.com/a"), text(")"));
        assertThat(MessageText.segments("(see https://example.com/a)."))
                .containsExactly(text("(see "), link("https://example.com/a"), text(")."));
        assertThat(links("https://example.com, https://example.org; https://example.net! ok?"))
                .containsExactly("https://example.com", "https://example.org", "https://example.net");
        assertThat(links("is it https://example.com/?")).containsExactly("https://example.com/");
        assertThat(links("'https://example.com/q'")).containsExactly("https://example.com/q");
        assertThat(links("[https://example.com/x]")).containsExactly("https://example.com/x");
        assertThat(links("https://example.com/...")).containsExactly("https://example.com/");
    }

    @Test
    void balancedBracketsAndInnerPunctuationStayInTheLink() {
        assertThat(links("https://en.wikipedia.org/wiki/Java_(programming_language)"))
                .containsExactly("https://en.wikipedia.org/wiki/Java_(programming_language)");
        assertThat(links("(https://en.wikipedia.org/wiki/Java_(programming_language))"))
                .containsExactly("https://en.wikipedia.org/wiki/Java_(programming_language)");
        assertThat(links("https://example.com/a.b,c;d!e?f=1")).containsExactly("https://example.com/a.b,c;d!e?f=1");
        assertThat(links("https://example.com/search?q=a+b&x=[1]"))
                .containsExactly("https://example.com/search?q=a+b&x=[1]");
    }

    @Test
    void markupLookingTextStaysTextAndEndsTheUrl() {
        assertThat(MessageText.segments("<a href=\"https://evil.example\">click</a>"))
                .containsExactly(text("<a href=\""), link("https://evil.example"), text("\">click</a>"));
        assertThat(MessageText.segments("https://example.com/<script>alert(1)</script>"))
                .containsExactly(link("https://example.com/"), text("<script>alert(1)</script>"));
        assertThat(MessageText.segments("[text](https://example.com)"))
                .containsExactly(text("[text]("), link("https://example.com"), text(")"));
        assertThat(MessageText.segments("<b>bold</b> &amp; <i>x</i>"))
                .containsExactly(text("<b>bold</b> &amp; <i>x</i>"));
    }

    @Test
    void theSegmentsAlwaysAddUpToTheMessage() {
        for (String content : List.of(
                "a https://x.y/(z)). b",
                "https://a.b https://c.d",
                "((https://a.b/c)))",
                "http://\u00a0x",
                "x\u2028https://a.b\u0000c",
                "😀https://😀.example/😀 😀")) {
            String joined = String.join(
                    "",
                    MessageText.segments(content).stream().map(Segment::text).toList());
            assertThat(joined).as(content).isEqualTo(content);
        }
    }

    private static final String BOB = "7b1c7c8e-2f3a-4c55-9d2e-0a1b2c3d4e5f";

    private static String names(String id) {
        return BOB.equals(id) ? "Bob Example" : null;
    }

    @Test
    void aTokenIsAMentionNamedFromTheDirectoryAndAnUnknownIdIsAnUnknownUser() {
        assertThat(MessageText.segments("hi <@" + BOB + ">, see <@not-a-user>!", MessageTextTest::names))
                .containsExactly(
                        text("hi "),
                        Segment.mention(BOB, "Bob Example"),
                        text(", see "),
                        Segment.mention("not-a-user", null),
                        text("!"));
        assertThat(Segment.mention(BOB, "Bob Example").text()).isEqualTo("@Bob Example");
        assertThat(Segment.mention("not-a-user", null).text()).isEqualTo("@unknown user");
        assertThat(Segment.mention("x", null).isMention()).isTrue();
        assertThat(Segment.mention("x", null).isLink()).isFalse();
        // Without a directory, every mention is unknown; markup around a token is still text.
        assertThat(MessageText.segments("<b><@" + BOB + "></b>"))
                .containsExactly(text("<b>"), Segment.mention(BOB, null), text("</b>"));
        // Not tokens: no @, an empty or over-long id, characters an id does not have.
        for (String content : List.of("<" + BOB + ">", "<@>", "<@" + "a".repeat(65) + ">", "<@a b>", "<@a\"b>")) {
            assertThat(MessageText.segments(content, MessageTextTest::names))
                    .as(content)
                    .containsExactly(text(content));
        }
    }

    @Test
    void linksAndMentionsMixAndATokenNeverExtendsALink() {
        assertThat(MessageText.segments(
                        "<@" + BOB + "> read https://example.com/a and https://x.org/@bob then <@" + BOB + ">.",
                        MessageTextTest::names))
                .containsExactly(
                        Segment.mention(BOB, "Bob Example"),
                        text(" read "),
                        link("https://example.com/a"),
                        text(" and "),
                        link("https://x.org/@bob"),
                        text(" then "),
                        Segment.mention(BOB, "Bob Example"),
                        text("."));
        // A URL ends at "<": a token right after it is a mention of its own, never part of the link.
        assertThat(MessageText.segments("https://x.org/<@" + BOB + ">", MessageTextTest::names))
                .containsExactly(link("https://x.org/"), Segment.mention(BOB, "Bob Example"));
    }
}
