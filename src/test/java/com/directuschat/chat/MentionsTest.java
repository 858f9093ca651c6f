package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.chat.Mentions.Person;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Typed names to stored tokens and back: what a send and an edit store, and what the editor shows. */
class MentionsTest {

    private static final Person ALICE = new Person("alice-id", "Alice", "Example");
    private static final Person BOB = new Person("bob-id", "Bob", "Example");
    private static final Person BOB_SHORT = new Person("bob-short-id", "Bob", null);
    private static final Person SAM_1 = new Person("sam-1", "Sam", "Same");
    private static final Person SAM_2 = new Person("sam-2", "Sam", "Same");
    private static final List<Person> PEOPLE = List.of(ALICE, BOB, BOB_SHORT, SAM_1, SAM_2);

    private static String resolve(String text) {
        return Mentions.resolve(text, PEOPLE, Set.of());
    }

    @Test
    void aTextWithoutAnAtNeverAsksForThePeople() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<java.util.Collection<Person>> people = () -> {
            asked.incrementAndGet();
            return PEOPLE;
        };
        assertThat(Mentions.resolve("no mention here", people, Set.of())).isEqualTo("no mention here");
        assertThat(asked).hasValue(0);
        assertThat(Mentions.resolve("hi @Bob Example", people, Set.of())).isEqualTo("hi <@bob-id>");
        assertThat(asked).hasValue(1);
    }

    @Test
    void aFullNameAfterAnAtBecomesTheTokenIgnoringCase() {
        assertThat(resolve("hi @Bob Example, and @alice example!")).isEqualTo("hi <@bob-id>, and <@alice-id>!");
        assertThat(resolve("@Alice Example")).isEqualTo("<@alice-id>");
        assertThat(resolve("(@Alice Example)")).isEqualTo("(<@alice-id>)");
    }

    @Test
    void theLongestNameWinsAndAWordBoundaryMustFollow() {
        // "Bob" is a person too: "@Bob Example" is the longer match.
        assertThat(resolve("@Bob Example")).isEqualTo("<@bob-id>");
        assertThat(resolve("@Bob Exam")).isEqualTo("<@bob-short-id> Exam");
        assertThat(resolve("@Bob")).isEqualTo("<@bob-short-id>");
        // A letter or digit after the name: another word, not a mention.
        assertThat(resolve("@Bobby and @Alice Examples")).isEqualTo("@Bobby and @Alice Examples");
    }

    @Test
    void aSharedNameResolvesOnlyToThePickedOne() {
        assertThat(resolve("@Sam Same")).isEqualTo("@Sam Same");
        assertThat(Mentions.resolve("@Sam Same", PEOPLE, Set.of("sam-2"))).isEqualTo("<@sam-2>");
        assertThat(Mentions.resolve("@Sam Same", PEOPLE, Set.of("sam-1", "sam-2")))
                .isEqualTo("@Sam Same");
        // Picked ids never turn a name into someone else.
        assertThat(Mentions.resolve("@Alice Example", PEOPLE, Set.of("bob-id"))).isEqualTo("<@alice-id>");
    }

    @Test
    void emailsLinksUnknownNamesAndTokensStayAsTyped() {
        assertThat(resolve("mail bob@Bob Example")).isEqualTo("mail bob@Bob Example");
        assertThat(resolve("see https://x.org/@Bob Example")).isEqualTo("see https://x.org/@Bob Example");
        assertThat(resolve("@Carol Nobody and @ and @@Bob")).isEqualTo("@Carol Nobody and @ and @@Bob");
        assertThat(resolve("<@not-a-user> stays")).isEqualTo("<@not-a-user> stays");
        assertThat(Mentions.resolve("@Bob Example", List.of(), Set.of())).isEqualTo("@Bob Example");
        assertThat(Mentions.resolve("@Bob Example", List.of(new Person("x", " ", null)), Set.of()))
                .isEqualTo("@Bob Example");
    }

    @Test
    void theEditorShowsNamesAndSavingStoresTheSameTokensAgain() {
        Map<String, String> names = Map.of("alice-id", "Alice Example", "bob-id", "Bob Example");
        String stored = "<@bob-id> meet <@alice-id>; <@gone-id> left";
        String editable = Mentions.editable(stored, names::get);
        assertThat(editable).isEqualTo("@Bob Example meet @Alice Example; <@gone-id> left");
        assertThat(Mentions.resolve(editable, PEOPLE, Mentions.ids(stored))).isEqualTo(stored);
        // A shared name round-trips to the one the message mentioned.
        String sam = "<@sam-2> hi";
        assertThat(Mentions.resolve(Mentions.editable(sam, id -> "Sam Same"), PEOPLE, Mentions.ids(sam)))
                .isEqualTo(sam);
        assertThat(Mentions.editable("$1 \\ <@x>", id -> "A $1 \\ B")).isEqualTo("$1 \\ @A $1 \\ B");
    }

    @Test
    void idsAndWhetherTheViewerIsMentioned() {
        assertThat(Mentions.ids("<@a> <@b> <@a> <@>")).containsExactly("a", "b");
        assertThat(Mentions.mentions("hi <@bob-id>", "bob-id")).isTrue();
        assertThat(Mentions.mentions("hi <@bob-id2>", "bob-id")).isFalse();
        assertThat(Mentions.mentions("hi", null)).isFalse();
    }
}
