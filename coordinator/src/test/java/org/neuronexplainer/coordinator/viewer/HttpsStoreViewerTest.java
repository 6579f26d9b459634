package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.HttpsBlobStore;

/**
 * The viewer over the read-only https store, against a loopback server that serves the fixture
 * files as the public container does: blobs by path, 404 otherwise, no listing.
 */
class HttpsStoreViewerTest {

  @Test
  void neuronPagesWorkAndOverviewSaysTheStoreCannotBeListed(@TempDir Path root) throws Exception {
    ViewerFixture.write(root);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/neuron-explainer/data/",
        exchange -> {
          Path file = root.resolve(exchange.getRequestURI().getPath().substring(23)).normalize();
          if (file.startsWith(root) && Files.isRegularFile(file)) {
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } else {
            exchange.sendResponseHeaders(404, -1);
          }
          exchange.close();
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/neuron-explainer/data/";
    try (ViewerService service =
        new ViewerService(new HttpsBlobStore(URI.create(base)), Optional.empty())) {
      // The base ends like OpenAI's GPT-2 XL container, so its size is known without a model.json.
      assertThat(service.dims()).contains(ModelDims.GPT2_XL);
      ObjectNode page = service.neuron(new NeuronId(21, 2932));
      assertThat(page.at("/files/collatedActivations/status").asText()).isEqualTo("ok");
      assertThat(page.at("/files/relatedNeurons/status").asText()).isEqualTo("ok");
      assertThat(page.at("/relatedSummaries/6_1017/status").asText()).isEqualTo("ok");
      assertThat(page.at("/files/collatedActivations/data/mean").asDouble()).isEqualTo(-0.0213);
      ObjectNode missing = service.neuron(new NeuronId(47, 6399));
      assertThat(missing.at("/files/explanations/status").asText()).isEqualTo("missing");
      assertThat(missing.has("next")).isFalse();
      ObjectNode overview = service.overview();
      assertThat(overview.get("state").asText()).isEqualTo("unlistable");
      assertThat(overview.get("reason").asText()).contains("cannot be listed");
      assertThat(service.randomNeuron())
          .hasValueSatisfying(id -> assertThat(ModelDims.GPT2_XL.contains(id)).isTrue());
    } finally {
      server.stop(0);
    }
  }
}
