package com.directuschat.directus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * The Jackson mapper for Directus payloads (REST and realtime), which send ids as numbers or strings and
 * timestamps with or without an offset: the leniency lives here, once, instead of in hand-written tree readers.
 */
final class DirectusJson {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Keys arrive as strings where Directus took them from a URL path, and bigInteger columns always do.
            .withCoercionConfig(
                    LogicalType.Integer,
                    config -> config.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert))
            .addModule(new SimpleModule("directus").addDeserializer(Instant.class, new LenientInstant()))
            .build();

    private DirectusJson() {}

    /**
     * An ISO timestamp with an offset, or without one (a SQLite-backed Directus; those are UTC). Anything else
     * reads as unknown (null), as an absent value does: a version nobody can read is one we must re-read.
     */
    static final class LenientInstant extends ValueDeserializer<Instant> {

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                context.readTree(parser); // skip whatever it is
                return null;
            }
            return parse(parser.getString());
        }

        static Instant parse(String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(text.endsWith("Z") ? text : text + "Z");
                } catch (DateTimeParseException notATime) {
                    return null;
                }
            }
        }
    }
}
