package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.web.HtmlRenderer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/** Fakes for unit tests of the chat package: executors the test drives, an emitter that records, a message store. */
final class ChatTestSupport {

    private ChatTestSupport() {}

    static ChatProperties properties(Duration idleTimeout) {
        return properties(idleTimeout, 1000);
    }

    /** With replays read in pages of {@code backfillLimit}. */
    static ChatProperties properties(Duration idleTimeout, int backfillLimit) {
        return new ChatProperties(
                100,
                2000,
                Duration.ofMinutes(5),
                Duration.ofMinutes(10),
                backfillLimit,
                20,
                256,
                idleTimeout,
                50,
                Duration.ofSeconds(5),
                64);
    }

    /** The chat's meters on a registry of their own. */
    static ChatMetrics metrics() {
        return new ChatMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    static Fragments fragments() {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/");
        resolver.setSuffix(".html");
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        return new Fragments(new HtmlRenderer(engine), new MockServletContext(), people());
    }

    /** A people directory that has read nobody yet (live renders never read it). */
    static People people() {
        return new People(
                null, java.time.Duration.ofMinutes(1), java.time.Duration.ofSeconds(10), java.time.Clock.systemUTC());
    }

    static ChatMessage message(long id) {
        return new ChatMessage(id, "message " + id, Instant.parse("2026-11-28T10:00:00Z"), "Alice", "Example");
    }

    /** Runs queued tasks only when told to, one at a time, in order: a serial lane the test steps through. */
    static final class ManualExecutor implements Executor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (true) {
                Runnable task;
                synchronized (this) {
                    task = tasks.poll();
                }
                if (task == null) {
                    return;
                }
                task.run();
            }
        }
    }

    /** Directus's messages: reads by id and replays after an id, both answered at once. */
    static class FakeMessages implements MessageSource {
        final TreeMap<Long, ChatMessage> stored = new TreeMap<>();
        final List<Long> replaysFrom = new ArrayList<>();

        FakeMessages upTo(long last) {
            for (long id = 1; id <= last; id++) {
                stored.put(id, message(id));
            }
            return this;
        }

        @Override
        public CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens) {
            Map<Long, ChatMessage> found = new TreeMap<>();
            ids.stream().filter(stored::containsKey).forEach(id -> found.put(id, stored.get(id)));
            return CompletableFuture.completedFuture(found);
        }

        @Override
        public synchronized List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
            replaysFrom.add(afterId);
            return stored.tailMap(afterId, false).values().stream()
                    .filter(m -> room == null || room.contains(m))
                    .limit(limit)
                    .toList();
        }
    }

    /** An emitter that records what is sent to it, as the browser would see it. */
    static class RecordingEmitter extends SseEmitter {
        private static final Pattern ID = Pattern.compile("^id:(\\d+)$", Pattern.MULTILINE);
        private static final Pattern MESSAGE_ID = Pattern.compile("data-id=\"(\\d+)\"");
        private final StringBuilder sent = new StringBuilder();
        volatile boolean completed;

        @Override
        public void send(SseEventBuilder builder) throws IOException {
            StringBuilder event = new StringBuilder();
            builder.build().forEach(part -> event.append(part.getData()));
            sending(event.toString());
            synchronized (sent) {
                sent.append(event);
            }
        }

        /** Before {@code event} is recorded, on the writing thread: a test may hold the write up here. */
        void sending(String event) {}

        @Override
        public void complete() {
            completed = true;
        }

        @Override
        public void completeWithError(Throwable ex) {
            completed = true;
        }

        /** The ids of the messages sent, in order (from their HTML: an event's {@code id:} is the tab's position). */
        List<Long> messageIds() {
            List<Long> ids = new ArrayList<>();
            synchronized (sent) {
                for (String event : sent.toString().split("\n\n")) {
                    if (event.contains("event:message\n")) {
                        Matcher matcher = MESSAGE_ID.matcher(event);
                        if (matcher.find()) {
                            ids.add(Long.parseLong(matcher.group(1)));
                        }
                    }
                }
            }
            return ids;
        }

        /** The positions ({@code id:} lines) the browser was told, in order. */
        List<Long> positions() {
            List<Long> ids = new ArrayList<>();
            synchronized (sent) {
                Matcher matcher = ID.matcher(sent);
                while (matcher.find()) {
                    ids.add(Long.parseLong(matcher.group(1)));
                }
            }
            return ids;
        }

        String raw() {
            synchronized (sent) {
                return sent.toString();
            }
        }
    }
}
