package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules query only metrics listed in docs/metrics.md. (The pipeline's
 * own test checks that a live /metrics scrape serves every name listed there.)
 */
class MetricsContractTest {

  // Prometheus series a histogram or timer adds to its base name.
  private static final List<String> SERIES_SUFFIXES =
      List.of("", "_bucket", "_sum", "_count", "_max");

  static Set<String> documentedNames() throws Exception {
    Set<String> names = new TreeSet<>();
    Pattern code = Pattern.compile("`([a-z_][a-z0-9_]*)`");
    for (String line : Files.readAllLines(Tools.ROOT.resolve("docs/metrics.md"))) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String firstColumn = line.split("\\|")[1];
      Matcher m = code.matcher(firstColumn);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  static boolean documented(Set<String> documented, String used) {
    return SERIES_SUFFIXES.stream()
        .anyMatch(
            s ->
                used.endsWith(s)
                    && documented.contains(used.substring(0, used.length() - s.length())));
  }

  static List<String> dashboardExpressions() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(Tools.CHART.resolve("files/dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode target : dashboard.findValues("targets")) {
      target.forEach(t -> exprs.add(t.path("expr").asText()));
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      String query = variable.at("/query/query").asText(variable.path("query").asText());
      Matcher m = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(query);
      if (m.find()) {
        exprs.add(m.group(1));
      }
    }
    return exprs;
  }

  static List<String> alertExpressions() throws Exception {
    JsonNode rules = new YAMLMapper().readTree(Tools.CHART.resolve("files/alerts.yaml").toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      group.path("rules").forEach(r -> exprs.add(r.path("expr").asText()));
    }
    return exprs;
  }

  @Test
  void theContractListsTheNamesItDescribes() throws Exception {
    assertThat(documentedNames())
        .contains(
            "neuronexplainer_jobs_total",
            "neuronexplainer_llm_cost_usd_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "jvm_memory_used_bytes");
  }

  @Test
  void theDashboardQueriesOnlyDocumentedMetrics() throws Exception {
    assertUsesOnlyDocumented(
        dashboardExpressions(),
        Set.of(
            "neuronexplainer_neurons",
            "neuronexplainer_run_eta_seconds",
            "neuronexplainer_stage_duration_seconds_bucket",
            "neuronexplainer_llm_latency_seconds_bucket",
            "neuronexplainer_llm_tokens_total",
            "neuronexplainer_llm_cost_usd_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "jvm_gc_pause_seconds_sum"));
  }

  @Test
  void theAlertsQueryOnlyDocumentedMetrics() throws Exception {
    assertUsesOnlyDocumented(
        alertExpressions(),
        Set.of(
            "neuronexplainer_jobs_in_flight",
            "neuronexplainer_jobs_total",
            "neuronexplainer_llm_calls_total",
            "neuronexplainer_run_neurons_completed_total",
            "kafka_consumer_fetch_manager_records_lag_max"));
  }

  @Test
  void anUndocumentedNameIsCaught() throws Exception {
    Set<String> documented = documentedNames();
    assertThat(PromQl.metricNames("sum by (stage) (rate(neuronexplainer_jobs_totl[5m]))"))
        .containsExactly("neuronexplainer_jobs_totl")
        .noneMatch(name -> documented(documented, name));
  }

  private static void assertUsesOnlyDocumented(List<String> exprs, Set<String> mustInclude)
      throws Exception {
    Set<String> documented = documentedNames();
    Set<String> used = new TreeSet<>();
    exprs.forEach(e -> used.addAll(PromQl.metricNames(e)));
    assertThat(used).containsAll(mustInclude);
    assertThat(used)
        .as("metric names not listed in docs/metrics.md")
        .allMatch(name -> documented(documented, name));
  }
}
