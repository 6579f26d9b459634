package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Token estimates, prices, usage parsing, accumulators and cache keys. */
class SmallPartsTest {

  static final ObjectMapper MAPPER = new ObjectMapper();

  static ObjectNode json(String text) throws Exception {
    return (ObjectNode) MAPPER.readTree(text);
  }

  @Test
  void estimatesPromptCharactersPerFourPlusTheCompletionAllowance() throws Exception {
    assertThat(
            TokenEstimator.estimate(
                json(
                    "{\"messages\":[{\"role\":\"system\",\"content\":\"abcdefgh\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"abcd\"}]}],\"max_tokens\":10,\"n\":3}")))
        .isEqualTo(2 + 2 * 4 + 3 + 30);
    assertThat(
            TokenEstimator.estimate(
                json("{\"prompt\":\"abcdefghi\",\"max_tokens\":0,\"echo\":true}")))
        .isEqualTo(3);
    assertThat(TokenEstimator.estimate(json("{\"prompt\":[1,2,3,4],\"max_completion_tokens\":2}")))
        .isEqualTo(6);
    assertThat(TokenEstimator.estimate(json("{\"prompt\":[\"ab\",\"cd\"]}"))).isEqualTo(2);
    // Newlines and tabs cost a token each, on top of the characters.
    assertThat(TokenEstimator.estimate(json("{\"prompt\":\"a\\tb\\n\"}"))).isEqualTo(3);
  }

  @Test
  void pricesMatchExactlyOrByDatedSuffix() {
    PriceTable table = PriceTable.parse("gpt-4o=2.5:10,gpt-4o-mini=0.15:0.6");

    assertThat(table.lookup("gpt-4o-2024-08-06")).contains(new ModelPrice(2.5, 10, 2.5));
    assertThat(table.lookup("gpt-4o-mini-2024-07-18")).contains(new ModelPrice(0.15, 0.6, 0.15));
    assertThat(table.lookup("gpt-4")).isEmpty();
    assertThat(table.lookup("gpt-4omni")).isEmpty();
    assertThat(table.lookup(null)).isEmpty();
    assertThat(PriceTable.parse("").prices()).isEmpty();
  }

  @Test
  void usageReadsCachedPromptTokensAndToleratesAbsence() throws Exception {
    assertThat(
            TokenUsage.fromResponse(
                json(
                    "{\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":8}}}")))
        .isEqualTo(new TokenUsage(9, 4, 8));
    assertThat(TokenUsage.fromResponse(json("{\"choices\":[]}"))).isEqualTo(TokenUsage.NONE);
    assertThat(TokenUsage.present(json("{\"choices\":[]}"))).isFalse();
  }

  @Test
  void anAccountOutsideTheClientTreeIsSummedSeparately() {
    UsageAccumulator run = new UsageAccumulator();
    UsageAccumulator neuron = run.child();
    UsageAccumulator unrelated = new UsageAccumulator();

    neuron.add(new UsageTotals(1, 0, 0, 1, 10, 2, 0, 0.5, 0));
    neuron.add(UsageTotals.failure(3));

    assertThat(run.snapshot()).isEqualTo(neuron.snapshot());
    assertThat(run.snapshot()).isEqualTo(new UsageTotals(1, 0, 1, 4, 10, 2, 0, 0.5, 0));
    assertThat(neuron.rollsUpTo(run)).isTrue();
    assertThat(unrelated.rollsUpTo(run)).isFalse();
    assertThat(run.rollsUpTo(neuron)).isFalse();
  }

  private static final URI CHAT = URI.create("http://127.0.0.1:8000/v1/chat/completions");

  @Test
  void cacheKeysAreCanonical() throws Exception {
    String a =
        ResponseCache.hash(MAPPER, CHAT, "m", json("{\"a\":1,\"b\":{\"y\":0.50,\"x\":[1,2]}}"));
    String b =
        ResponseCache.hash(MAPPER, CHAT, "m", json("{\"b\":{\"x\":[1.0,2],\"y\":0.5},\"a\":1.00}"));
    String reordered =
        ResponseCache.hash(MAPPER, CHAT, "m", json("{\"a\":1,\"b\":{\"y\":0.5,\"x\":[2,1]}}"));

    assertThat(a).isEqualTo(b).hasSize(64);
    assertThat(reordered).isNotEqualTo(a);
    assertThat(
            new String(
                ResponseCache.canonicalBytes(MAPPER, json("{\"b\":[true,null,\"s\"],\"a\":1.50}"))))
        .isEqualTo("{\"a\":1.5,\"b\":[true,null,\"s\"]}");
  }

  @Test
  void cacheKeysTellServersAndEndpointsApart() throws Exception {
    JsonNode body = json("{\"messages\":[]}");
    String here = ResponseCache.hash(MAPPER, CHAT, "m", body);

    assertThat(
            ResponseCache.hash(
                MAPPER, URI.create("https://api.example.com/v1/chat/completions"), "m", body))
        .isNotEqualTo(here);
    assertThat(
            ResponseCache.hash(
                MAPPER, URI.create("http://127.0.0.1:8000/v1/completions"), "m", body))
        .isNotEqualTo(here);
    assertThat(ResponseCache.hash(MAPPER, CHAT, "other", body)).isNotEqualTo(here);
  }
}
