package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/** While the index is built, overview and search answer "building" with progress, not wait. */
class CatalogBuildingTest {

  @Test
  void answersBuildingUntilTheIndexIsReadyThenServesIt(@TempDir Path root) throws Exception {
    BlobStore local = new LocalDirectoryStore(ViewerFixture.write(root));
    CountDownLatch release = new CountDownLatch(1);
    BlobStore slow = new GatedStore(local, release);
    try (ViewerService service = new ViewerService(slow, Optional.empty(), 200)) {
      ObjectNode building = service.overview();
      assertThat(building.get("available").asBoolean()).isFalse();
      assertThat(building.get("state").asText()).isEqualTo("building");
      assertThat(building.get("reason").asText()).contains("of 4 explanation files read");
      release.countDown();
      service.catalog().get(10, TimeUnit.SECONDS);
      assertThat(service.overview().get("neurons").asInt()).isEqualTo(4);
      assertThat(service.search("canada", SearchFilter.ALL, 0, 5).get("total").asInt())
          .isEqualTo(1);
    }
  }
}
