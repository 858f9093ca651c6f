# directus-chat: the chat server only. Directus runs next to it (see docker-compose.yml);
# the container never installs or starts Directus itself.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q -DskipTests package && cp target/directus-chat-*.jar /app.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 chat
USER chat
COPY --from=build /app.jar /app/app.jar
ENV DIRECTUS_URL=http://directus:8055 \
    DIRECTUS_LOCAL_ENABLED=false \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
