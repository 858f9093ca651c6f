# directus-chat: the chat server only. Directus, PostgreSQL, Redis and nginx run next to it (docker-compose.yml);
# the image never installs or starts Directus. Every setting comes from the environment (README, Configuration):
# DIRECTUS_URL, SPRING_DATA_REDIS_HOST, CHAT_LOGIN_TOKEN_KEY, SERVER_TOMCAT_REMOTEIP_INTERNAL_PROXIES, ...

# --- build: the jar, split into layers (dependencies change less often than our classes) ---
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q -DskipTests package \
 && java -Djarmode=tools -jar target/directus-chat-*.jar extract --layers --launcher --destination /layers

# --- run: a JRE, the layers, a user without privileges ---
FROM eclipse-temurin:17-jre
# curl is for the HEALTHCHECK only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin chat
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
USER 10001:10001
# A container never runs the development Directus (npm); PORT is the HTTP port (server.port).
ENV PORT=8080 \
    DIRECTUS_LOCAL_ENABLED=false \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
EXPOSE 8080
# Ready = started, not shutting down, and Directus answers (/actuator/health/readiness); docker compose's
# depends_on and orchestrators wait for it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/actuator/health/readiness" || exit 1
# Exec form: java is PID 1 and gets SIGTERM itself, for the graceful shutdown.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
