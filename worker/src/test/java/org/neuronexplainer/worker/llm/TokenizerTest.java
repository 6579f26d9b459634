package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenizerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Counts published with tiktoken: its own tests ({@code tests/test_encoding.py} of
   * openai/tiktoken: test_simple, test_simple_repeated, test_simple_regex, test_basic_encode,
   * test_encode_surrogate_pairs) give the token ids, whose number is the count.
   */
  @Test
  void countsAsTiktokensOwnTests() {
    assertThat(Tokenizer.CL100K_BASE.textTokens("hello world")).isEqualTo(2); // [15339, 1917]
    assertThat(Tokenizer.R50K_BASE.textTokens("hello world")).isEqualTo(2); // [31373, 995]
    assertThat(Tokenizer.P50K_BASE.textTokens("hello world")).isEqualTo(2); // [31373, 995]
    // With every special token allowed, as the original encodes: [15339, 220, 100257].
    assertThat(Tokenizer.CL100K_BASE.textTokens("hello <|endoftext|>")).isEqualTo(3);
    assertThat(Tokenizer.R50K_BASE.textTokens("hello <|endoftext|>")).isEqualTo(3);
    assertThat(Tokenizer.CL100K_BASE.textTokens("rer")).isEqualTo(1); // [38149]
    assertThat(Tokenizer.CL100K_BASE.textTokens("'rer")).isEqualTo(2); // [2351, 81]
    assertThat(Tokenizer.CL100K_BASE.textTokens("today\n ")).isEqualTo(3); // [31213, 198, 220]
    assertThat(Tokenizer.CL100K_BASE.textTokens("today\n \n")).isEqualTo(2); // [31213, 27907]
    assertThat(Tokenizer.CL100K_BASE.textTokens("today\n  \n")).isEqualTo(2); // [31213, 14211]
    assertThat(Tokenizer.CL100K_BASE.textTokens(" \u00850")).isEqualTo(4); // [220, 126, 227, 15]
    assertThat(Tokenizer.CL100K_BASE.textTokens("👍")).isEqualTo(3); // [9468, 239, 235]
    assertThat(Tokenizer.R50K_BASE.textTokens("0".repeat(9))).isEqualTo(2); // [10535, 830]
    assertThat(Tokenizer.R50K_BASE.textTokens("0".repeat(16))).isEqualTo(1); // [25645]
    assertThat(Tokenizer.R50K_BASE.textTokens("0".repeat(17))).isEqualTo(3);
    assertThat(Tokenizer.R50K_BASE.textTokens("")).isZero();
  }

  /**
   * The OpenAI Cookbook's "How to count tokens with tiktoken", section 5 (comparing encodings),
   * which prints each encoding's tokens of three strings.
   */
  @Test
  void countsAsTheCookbooksComparisonOfEncodings() {
    String word = "antidisestablishmentarianism";
    assertThat(Tokenizer.R50K_BASE.textTokens(word)).isEqualTo(5);
    assertThat(Tokenizer.P50K_BASE.textTokens(word)).isEqualTo(5);
    assertThat(Tokenizer.CL100K_BASE.textTokens(word)).isEqualTo(6);
    assertThat(Tokenizer.O200K_BASE.textTokens(word)).isEqualTo(6);
    assertThat(Tokenizer.R50K_BASE.textTokens("2 + 2 = 4")).isEqualTo(5);
    assertThat(Tokenizer.CL100K_BASE.textTokens("2 + 2 = 4")).isEqualTo(7);
    String birthday = "お誕生日おめでとう";
    assertThat(Tokenizer.P50K_BASE.textTokens(birthday)).isEqualTo(14);
    assertThat(Tokenizer.CL100K_BASE.textTokens(birthday)).isEqualTo(9);
    assertThat(Tokenizer.O200K_BASE.textTokens(birthday)).isEqualTo(8);
    // Section 3: "tiktoken is great!" is [83, 1609, 5963, 374, 2294, 0] in cl100k_base.
    assertThat(Tokenizer.CL100K_BASE.textTokens("tiktoken is great!")).isEqualTo(6);
  }

  /**
   * The same notebook's section 6: six chat messages (four with a {@code name}) for which the
   * OpenAI API reported 129 prompt tokens from gpt-4 and gpt-4-0613, and 124 from gpt-4o and
   * gpt-4o-mini: 3 per message, 1 per name and 3 for the reply's priming on top of the roles',
   * names' and contents' tokens.
   */
  @Test
  void chatCountsMatchThePromptTokensTheApiReported() {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode messages = body.putArray("messages");
    message(
        messages,
        "system",
        null,
        "You are a helpful, pattern-following assistant that translates corporate jargon into"
            + " plain English.");
    message(messages, "system", "example_user", "New synergies will help drive top-line growth.");
    message(
        messages,
        "system",
        "example_assistant",
        "Things working well together will increase revenue.");
    message(
        messages,
        "system",
        "example_user",
        "Let's circle back when we have more bandwidth to touch base on opportunities for"
            + " increased leverage.");
    message(
        messages,
        "system",
        "example_assistant",
        "Let's talk later when we're less busy about how to do better.");
    message(
        messages,
        "user",
        null,
        "This late pivot means we don't have time to boil the ocean for the client deliverable.");

    assertThat(Tokenizer.forModel("gpt-4-0613").promptTokens(body)).isEqualTo(129);
    assertThat(Tokenizer.forModel("gpt-4").promptTokens(body)).isEqualTo(129);
    assertThat(Tokenizer.forModel("gpt-4o").promptTokens(body)).isEqualTo(124);
    assertThat(Tokenizer.forModel("gpt-4o-mini").promptTokens(body)).isEqualTo(124);
  }

  @Test
  void specialTokensCountOneEachOnlyWhereTheEncodingHasThem() {
    // <|endofprompt|> is special in cl100k_base and o200k_base, ordinary text in r50k_base.
    assertThat(Tokenizer.CL100K_BASE.textTokens("a<|endofprompt|>b")).isEqualTo(3);
    assertThat(Tokenizer.O200K_BASE.textTokens("a<|endofprompt|>b")).isEqualTo(3);
    assertThat(Tokenizer.R50K_BASE.textTokens("a<|endofprompt|>b")).isGreaterThan(3);
    assertThat(Tokenizer.CL100K_BASE.textTokens("<|endoftext|><|endoftext|>")).isEqualTo(2);
    // An unclosed or unknown marker is text.
    assertThat(Tokenizer.CL100K_BASE.textTokens("<|fim_prefix|>x<|nope|>"))
        .isEqualTo(1 + Tokenizer.CL100K_BASE.textTokens("x<|nope|>"));
  }

  @Test
  void theEncodingFollowsTheModel() {
    Map<String, Tokenizer> expected =
        Map.ofEntries(
            Map.entry("gpt-4o", Tokenizer.O200K_BASE),
            Map.entry("gpt-4o-mini-2024-07-18", Tokenizer.O200K_BASE),
            Map.entry("chatgpt-4o-latest", Tokenizer.O200K_BASE),
            Map.entry("gpt-4.1-nano", Tokenizer.O200K_BASE),
            Map.entry("gpt-4.5-preview", Tokenizer.O200K_BASE),
            Map.entry("gpt-5", Tokenizer.O200K_BASE),
            Map.entry("gpt-5-mini", Tokenizer.O200K_BASE),
            Map.entry("o1", Tokenizer.O200K_BASE),
            Map.entry("o1-preview", Tokenizer.O200K_BASE),
            Map.entry("o3-mini", Tokenizer.O200K_BASE),
            Map.entry("o4-mini", Tokenizer.O200K_BASE),
            Map.entry("openai/gpt-oss-120b", Tokenizer.O200K_BASE),
            Map.entry("ft:gpt-4o-mini-2024-07-18:org::abc123", Tokenizer.O200K_BASE),
            Map.entry("gpt-4", Tokenizer.CL100K_BASE),
            Map.entry("GPT-4-0613", Tokenizer.CL100K_BASE),
            Map.entry("gpt-4-32k", Tokenizer.CL100K_BASE),
            Map.entry("gpt-4-turbo", Tokenizer.CL100K_BASE),
            Map.entry("gpt-3.5-turbo-instruct", Tokenizer.CL100K_BASE),
            Map.entry("gpt-35-turbo", Tokenizer.CL100K_BASE),
            Map.entry("davinci-002", Tokenizer.CL100K_BASE),
            Map.entry("text-davinci-003", Tokenizer.P50K_BASE),
            Map.entry("code-davinci-002", Tokenizer.P50K_BASE),
            Map.entry("text-davinci-001", Tokenizer.R50K_BASE),
            Map.entry("davinci", Tokenizer.R50K_BASE),
            Map.entry("curie", Tokenizer.R50K_BASE),
            Map.entry("gpt2", Tokenizer.R50K_BASE),
            // Not an OpenAI encoding: counted with cl100k_base, as the original counted.
            Map.entry("meta-llama/Llama-3.1-8B-Instruct", Tokenizer.CL100K_BASE),
            Map.entry("m", Tokenizer.CL100K_BASE),
            Map.entry("", Tokenizer.CL100K_BASE));
    expected.forEach(
        (model, encoding) -> assertThat(Tokenizer.forModel(model)).as(model).isEqualTo(encoding));
  }

  @Test
  void aConfiguredTokenizerOverridesTheModel() {
    assertThat(Tokenizer.AUTO.resolve("gpt-4o")).isEqualTo(Tokenizer.O200K_BASE);
    assertThat(Tokenizer.CL100K_BASE.resolve("gpt-4o")).isEqualTo(Tokenizer.CL100K_BASE);
    assertThat(Tokenizer.ESTIMATE.resolve("gpt-4o")).isEqualTo(Tokenizer.ESTIMATE);

    LlmConfig config = LlmConfig.fromEnv(Map.of("LLM_TOKENIZER", " O200K_base "));
    assertThat(config.tokenizer()).isEqualTo(Tokenizer.O200K_BASE);
    assertThat(config.tokenizerFor("gpt-4")).isEqualTo(Tokenizer.O200K_BASE);
    assertThat(config.toString()).contains("tokenizer=o200k_base");
    assertThat(LlmConfig.fromEnv(Map.of()).tokenizerFor("gpt-4o")).isEqualTo(Tokenizer.O200K_BASE);
    assertThat(LlmConfig.fromEnv(Map.of("LLM_TOKENIZER", "estimate")).tokenizerFor("gpt-4o"))
        .isEqualTo(Tokenizer.ESTIMATE);
  }

  @Test
  void aBadTokenizerNamesTheVariableAndTheAcceptedValues() {
    assertThatThrownBy(() -> LlmConfig.fromEnv(Map.of("LLM_TOKENIZER", "gpt2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "LLM_TOKENIZER is 'gpt2': expected one of auto, cl100k_base, o200k_base, p50k_base,"
                + " r50k_base, estimate");
  }

  @Test
  void theEstimateKeepsItsOwnCountsAndChatOverhead() throws Exception {
    JsonNode chat =
        JSON.readTree(
            "{\"messages\":[{\"role\":\"system\",\"content\":\"abcdefgh\"},"
                + "{\"role\":\"user\",\"content\":\"hello world\"}],\"max_tokens\":10,\"n\":2}");
    assertThat(Tokenizer.ESTIMATE.promptTokens(chat)).isEqualTo(TokenEstimator.promptTokens(chat));
    assertThat(Tokenizer.ESTIMATE.budgetTokens(chat)).isEqualTo(TokenEstimator.estimate(chat));
    // Exact counts: 3 per message and 3 for the reply's priming on top of the texts, each role
    // ("system", "user") one token.
    long texts =
        2
            + Tokenizer.CL100K_BASE.textTokens("abcdefgh")
            + Tokenizer.CL100K_BASE.textTokens("hello world");
    assertThat(Tokenizer.CL100K_BASE.promptTokens(chat)).isEqualTo(texts + 3 + 2 * 3);
    assertThat(Tokenizer.CL100K_BASE.budgetTokens(chat)).isEqualTo(texts + 3 + 2 * 3 + 20);
  }

  private static void message(ArrayNode messages, String role, String name, String content) {
    ObjectNode message = messages.addObject().put("role", role);
    if (name != null) {
      message.put("name", name);
    }
    message.put("content", content);
  }
}
