package org.neuronexplainer.cli.pipeline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerFilesTest {

  @Test
  void portsAreChosenOnceAndKept(@TempDir Path dir) throws Exception {
    BrokerFiles files = new BrokerFiles(dir);
    BrokerFiles.Ports first = files.ports(0);
    assertThat(first.broker()).isPositive().isNotEqualTo(first.controller());
    files.write(first);
    assertThat(new BrokerFiles(dir).ports(9092)).isEqualTo(first);
  }

  @Test
  void aRequestedPortIsUsedOnTheFirstStart(@TempDir Path dir) throws Exception {
    assertThat(new BrokerFiles(dir).ports(19092).broker()).isEqualTo(19092);
  }

  @Test
  void configIsASingleNodeCombinedKraftServer(@TempDir Path dir) throws Exception {
    BrokerFiles files = new BrokerFiles(dir);
    files.write(new BrokerFiles.Ports(19092, 19093));
    String config = Files.readString(files.serverProperties());
    assertThat(config)
        .contains("process.roles=broker,controller")
        .contains("controller.quorum.bootstrap.servers=127.0.0.1:19093")
        .doesNotContain("controller.quorum.voters")
        .contains("listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
        .contains("offsets.topic.replication.factor=1")
        .contains("transaction.state.log.min.isr=1")
        .contains("group.initial.rebalance.delay.ms=0")
        .contains("log.dirs=" + dir.resolve("kraft-logs"));
    assertThat(files.formatted()).isFalse();
    assertThat(files.pid()).isEmpty();
    files.writePid(4242);
    assertThat(files.pid()).contains(4242L);
  }
}
