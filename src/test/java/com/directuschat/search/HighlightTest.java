package com.directuschat.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.search.Highlight.Part;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matches are found ignoring case, every one of them, with the query's special characters taken literally. */
class HighlightTest {

    private static List<Part> parts(String text, String query) {
        return Highlight.parts(text, Highlight.pattern(query));
    }

    @Test
    void marksEveryMatchIgnoringCaseAndKeepsTheTextsOwnCase() {
        assertThat(parts("Deploy the DEPLOY script, deploy!", "deploy"))
                .containsExactly(
                        new Part("Deploy", true),
                        new Part(" the ", false),
                        new Part("DEPLOY", true),
                        new Part(" script, ", false),
                        new Part("deploy", true),
                        new Part("!", false));
    }

    @Test
    void theWholeTextCanBeOneMatch() {
        assertThat(parts("abc", "ABC")).containsExactly(new Part("abc", true));
    }

    @Test
    void noMatchIsOnePlainPartAndAnEmptyTextHasNone() {
        assertThat(parts("nothing here", "zz")).containsExactly(new Part("nothing here", false));
        assertThat(Highlight.anyMatch(parts("nothing here", "zz"))).isFalse();
        assertThat(parts("", "zz")).isEmpty();
        assertThat(parts(null, "zz")).isEmpty();
    }

    @Test
    void regexAndLikeCharactersMeanThemselves() {
        assertThat(parts("50% of a_b (x.y) costs $5 [or] \\Q\\E", "50%"))
                .first()
                .isEqualTo(new Part("50%", true));
        assertThat(parts("a_b and axb", "a_b")).containsExactly(new Part("a_b", true), new Part(" and axb", false));
        assertThat(parts("(x.y) and xzy", "x.y"))
                .containsExactly(new Part("(", false), new Part("x.y", true), new Part(") and xzy", false));
        assertThat(parts("cost $5 [or] \\Q\\E", "\\Q\\E"))
                .containsExactly(new Part("cost $5 [or] ", false), new Part("\\Q\\E", true));
        assertThat(Highlight.anyMatch(parts("a5b", "a.b"))).isFalse();
    }

    @Test
    void unicodeCaseIsIgnoredToo() {
        assertThat(parts("Ärger über ÄRGER", "ärger"))
                .containsExactly(new Part("Ärger", true), new Part(" über ", false), new Part("ÄRGER", true));
        assertThat(parts("emoji 😀 ok 😀", "😀 ok"))
                .containsExactly(new Part("emoji ", false), new Part("😀 ok", true), new Part(" 😀", false));
    }

    @Test
    void markupInTheTextStaysTextInItsParts() {
        // The parts are plain strings: the template escapes each with th:text (SearchIT checks the page).
        assertThat(parts("<b>bold</b> & <script>", "<b>"))
                .containsExactly(new Part("<b>", true), new Part("bold</b> & <script>", false));
    }

    @Test
    void queriesAreCheckedBeforeTheyAreRun() {
        assertThat(SearchQuery.of("  a ", null).problem()).isEqualTo("Type at least 2 characters to search.");
        assertThat(SearchQuery.of("", null).valid()).isFalse();
        assertThat(SearchQuery.of("😀", null).valid()).as("one code point").isFalse();
        assertThat(SearchQuery.of("x".repeat(201), null).problem()).contains("at most 200 characters");
        assertThat(SearchQuery.of("x".repeat(200), null).valid()).isTrue();
        assertThat(SearchQuery.of("a\u0000b", null).valid()).isFalse();
        assertThat(SearchQuery.of(" ab ", new String[] {"12"})).isEqualTo(new SearchQuery("ab", 12, null));
        for (String bad : new String[] {"x", "-1", "0", "9007199254740992", "99999999999999999999", "1.5"}) {
            assertThat(SearchQuery.of("ab", new String[] {bad}).problem())
                    .as(bad)
                    .contains("must be a message id");
        }
        assertThat(SearchQuery.of("ab", new String[] {"1", "2"}).valid()).isFalse();
        assertThat(SearchQuery.of("ab", new String[] {""}).before()).isZero();
    }

    @Test
    void likeWildcardsSplitTheQueryIntoPiecesForDirectus() {
        assertThat(SearchQuery.of("50% off_now\\x", null).pieces()).containsExactly("50", " off", "now", "x");
        assertThat(SearchQuery.of("50% off", null).needsCheck()).isTrue();
        assertThat(SearchQuery.of("%%", null).pieces()).isEmpty();
        assertThat(SearchQuery.of("plain words", null).pieces()).containsExactly("plain words");
        assertThat(SearchQuery.of("plain words", null).needsCheck()).isFalse();
    }
}
