package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard (Grafana cannot run here): its shape, uid, datasource and rows. */
class DashboardTest {

  private static JsonNode dashboard() throws Exception {
    return new ObjectMapper().readTree(Tools.CHART.resolve("files/dashboard.json").toFile());
  }

  @Test
  void theLocalStackShipsTheChartsFile() throws Exception {
    assertThat(Tools.ROOT.resolve("deploy/grafana/dashboards/neuron-explainer.json").toRealPath())
        .isEqualTo(Tools.CHART.resolve("files/dashboard.json").toRealPath());
  }

  @Test
  void hasAStableUidAndTheDatasourceAsAVariable() throws Exception {
    JsonNode d = dashboard();
    assertThat(d.path("uid").asText()).isEqualTo("neuron-explainer");
    JsonNode datasource = d.at("/templating/list/0");
    assertThat(datasource.path("name").asText()).isEqualTo("datasource");
    assertThat(datasource.path("type").asText()).isEqualTo("datasource");
    assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
    // Every panel and query goes through the variable: no hard-coded datasource uid.
    for (JsonNode ds : d.findValues("datasource")) {
      if (ds.isObject()) {
        assertThat(ds.path("uid").asText()).isEqualTo("${datasource}");
      }
    }
  }

  @Test
  void hasTheOverviewARowPerStageAndTheLlmKafkaAndJvmRows() throws Exception {
    List<String> rows = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    int queries = 0;
    for (JsonNode panel : dashboard().path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("duplicate panel id").isTrue();
      if (panel.path("type").asText().equals("row")) {
        rows.add(panel.path("title").asText());
      } else {
        assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
        queries += panel.path("targets").size();
      }
    }
    assertThat(rows)
        .containsExactly(
            "Overview",
            "Stage: capture",
            "Stage: collate",
            "Stage: explain-and-score",
            "Stage: weights",
            "LLM",
            "Kafka",
            "JVM");
    assertThat(queries).isGreaterThan(30);
  }

  @Test
  void theOverviewShowsRunsNeuronsThroughputAndEta() throws Exception {
    String overview = dashboard().path("panels").toString();
    assertThat(overview)
        .contains("neuronexplainer_runs")
        .contains("neuronexplainer_neurons{run=~\\\"$run\\\"}")
        .contains("neuronexplainer_run_neurons_completed_total")
        .contains("neuronexplainer_run_eta_seconds")
        .contains("outcome=\\\"rate_limited\\\"");
  }
}
