package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void findsMetricNamesAndSkipsFunctionsLabelsAndKeywords() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.95, sum by (le, model) (rate(a_seconds_bucket{stage=\"x\","
                    + " outcome=~\"b|c\"}[5m]))) / on (model) group_left sum(b_total offset 1h)"
                    + " unless c_gauge > 1e3 and deriv(d[30m:1m]) > 0"))
        .containsExactly("a_seconds_bucket", "b_total", "c_gauge", "d");
    assertThat(PromQl.metricNames("sum(increase(cost_total[$__range])) * 60"))
        .containsExactly("cost_total");
    assertThat(PromQl.metricNames("process_cpu_usage")).containsExactly("process_cpu_usage");
  }
}
