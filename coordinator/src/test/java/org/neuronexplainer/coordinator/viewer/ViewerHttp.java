package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** GETs against a viewer server, for the run and neuron route tests. */
final class ViewerHttp {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ViewerHttp() {}

  static HttpResponse<String> get(ViewerServer server, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode getJson(ViewerServer server, String path, int status) throws Exception {
    HttpResponse<String> response = get(server, path);
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
