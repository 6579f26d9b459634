package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** CSV quoting, and an export longer than one piece arriving whole. */
class NeuronExportTest {

  @TempDir Path root;

  @Test
  void aFieldIsQuotedOnlyWhereItMustBe() {
    assertThat(NeuronExport.csv(null)).isEmpty();
    assertThat(NeuronExport.csv("plain words")).isEqualTo("plain words");
    assertThat(NeuronExport.csv(0.25)).isEqualTo("0.25");
    assertThat(NeuronExport.csv("a, b")).isEqualTo("\"a, b\"");
    assertThat(NeuronExport.csv("after \"on\"")).isEqualTo("\"after \"\"on\"\"\"");
    assertThat(NeuronExport.csv("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(NeuronExport.csv("cr\rhere")).isEqualTo("\"cr\rhere\"");
  }

  @Test
  void aLongExportComesInPiecesAndParsesBackWhole() throws Exception {
    // 1,200 neurons, each with the explanation of 6:1017 (it holds quotes and a comma): far more
    // than one 64 KiB piece of CSV.
    byte[] file = Files.readAllBytes(Path.of("..", "examples", "explanations", "6", "1017.jsonl"));
    int neurons = 1_200;
    for (int n = 0; n < neurons; n++) {
      Path target = root.resolve("explanations/3/" + n + ".jsonl");
      Files.createDirectories(target.getParent());
      Files.write(target, file);
    }
    try (ViewerServer server =
        ViewerServer.start(
            new ViewerService(new LocalDirectoryStore(root), Optional.empty()), "127.0.0.1", 0)) {
      HttpResponse<String> response = ViewerHttp.get(server, "/api/viewer/export?layer=3");
      assertThat(response.statusCode()).isEqualTo(200);
      // Sent in pieces as it was made: no length was known when it started.
      assertThat(response.headers().firstValue("Content-Length")).isEmpty();
      assertThat(response.body().length()).isGreaterThan(64 * 1024);
      List<List<String>> rows = FindApiTest.parseCsv(response.body());
      assertThat(rows).hasSize(neurons + 1);
      assertThat(rows.subList(1, rows.size()))
          .allSatisfy(
              row -> {
                assertThat(row).hasSize(NeuronExport.COLUMNS.size());
                assertThat(row.get(0)).isEqualTo("3");
                assertThat(row.get(3)).contains("especially after \"on\" or \"every\"");
              });
      assertThat(rows.stream().skip(1).map(r -> r.get(1)).distinct()).hasSize(neurons);
    }
  }
}
