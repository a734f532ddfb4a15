# The Visage server in a container (CPU). Build:   docker build -t visage .
# Run (TLS and API keys, as a server on a network should have them):
#   docker run -p 50051:50051 -p 9464:9464 -v visage-data:/var/lib/visage -v $PWD/tls:/tls:ro visage \
#       serve --host 0.0.0.0 --tls-cert /tls/server.pem --tls-key /tls/server.key
# A key:  docker run --rm -v visage-data:/var/lib/visage visage keys create --name me --role admin
# Without TLS and keys the server refuses to listen beyond loopback; see the README's
# "Securing the server" for --allow-plaintext and --allow-unauthenticated.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests -pl dist -am package \
 && mkdir /dist && cp -r dist/target/visage-*/visage-*/. /dist/

FROM eclipse-temurin:21-jre
RUN useradd --system --home-dir /var/lib/visage --create-home visage
COPY --from=build /dist /opt/visage
USER visage
WORKDIR /var/lib/visage
ENV VISAGE_DATA_DIR=/var/lib/visage VISAGE_HOST=0.0.0.0 VISAGE_METRICS_HOST=0.0.0.0
VOLUME /var/lib/visage
EXPOSE 50051 9464
ENTRYPOINT ["/opt/visage/bin/visage"]
CMD ["serve"]
