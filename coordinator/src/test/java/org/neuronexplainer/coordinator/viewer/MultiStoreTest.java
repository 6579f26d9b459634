package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** One viewer over two stores, the store chosen by ?store=INDEX. */
class MultiStoreTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> get(ViewerServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eachRequestReadsTheStoreItNames(@TempDir Path temp) throws Exception {
    Path fixture = ViewerFixture.write(Files.createDirectories(temp.resolve("a")));
    Path empty = Files.createDirectories(temp.resolve("b"));
    ViewerStores stores =
        new ViewerStores(
            List.of(
                new ViewerStores.Entry(
                    "fixture",
                    new ViewerService(new LocalDirectoryStore(fixture), Optional.empty())),
                new ViewerStores.Entry(
                    "empty", new ViewerService(new LocalDirectoryStore(empty), Optional.empty()))));
    try (ViewerServer server = ViewerServer.start(stores, "127.0.0.1", 0)) {
      JsonNode info = json.readTree(get(server, "/api/viewer/info?store=1").body());
      assertThat(info.get("current").asInt()).isEqualTo(1);
      assertThat(info.at("/stores/0/label").asText()).isEqualTo("fixture");
      assertThat(info.get("stores")).hasSize(2);
      JsonNode first = json.readTree(get(server, "/api/viewer/neurons/21/2932").body());
      assertThat(first.at("/files/explanations/status").asText()).isEqualTo("ok");
      JsonNode second = json.readTree(get(server, "/api/viewer/neurons/21/2932?store=1").body());
      assertThat(second.at("/files/explanations/status").asText()).isEqualTo("missing");
      assertThat(
              json.readTree(get(server, "/api/viewer/overview?store=1").body())
                  .get("neurons")
                  .asInt())
          .isZero();
      HttpResponse<String> unknown = get(server, "/api/viewer/overview?store=7");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("no store 7");
      assertThat(get(server, "/raw/explanations/21/2932.jsonl?store=1").statusCode())
          .isEqualTo(404);
    }
  }
}
