package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert rules, shared by the chart and the local stack, through promtool. */
class AlertRulesTest {

  private static final Path PROMETHEUS = Tools.ROOT.resolve("deploy/prometheus");

  @Test
  void theLocalStackAndTheChartLoadTheSameRulesFile() throws Exception {
    assertThat(PROMETHEUS.resolve("alerts.yaml").toRealPath())
        .isEqualTo(Tools.CHART.resolve("files/alerts.yaml").toRealPath());
  }

  @Test
  void rulesPassPromtoolCheck() throws Exception {
    Path promtool = Tools.promtool();
    Tools.Result result =
        Tools.run(PROMETHEUS, List.of(promtool.toString(), "check", "rules", "alerts.yaml"));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void ruleUnitTestsPassAndShowTheStallAlertFiring() throws Exception {
    Path promtool = Tools.promtool();
    String tests = Files.readString(PROMETHEUS.resolve("alerts.test.yaml"));
    assertThat(tests).contains("alertname: NeuronExplainerStageStalled", "exp_labels:");
    Tools.Result result =
        Tools.run(PROMETHEUS, List.of(promtool.toString(), "test", "rules", "alerts.test.yaml"));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void promtoolCatchesAStallTestThatExpectsTheWrongThing() throws Exception {
    // The unit tests can fail: the same scenario, expecting the alert before it can fire.
    Path promtool = Tools.promtool();
    Path dir = Files.createDirectories(Path.of("target/promtool"));
    Files.copy(
        PROMETHEUS.resolve("alerts.yaml"),
        dir.resolve("alerts.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
    String wrong =
        Files.readString(PROMETHEUS.resolve("alerts.test.yaml"))
            .replaceFirst("- eval_time: 35m", "- eval_time: 24m");
    Files.writeString(dir.resolve("alerts.test.yaml"), wrong);
    Tools.Result result =
        Tools.run(dir, List.of(promtool.toString(), "test", "rules", "alerts.test.yaml"));
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("NeuronExplainerStageStalled");
  }
}
