package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How prompt tokens are counted (docs/method.md 3.3): one of OpenAI's BPE encodings, counted
 * exactly as tiktoken counts with every special token allowed (the original's {@code encode(text,
 * allowed_special="all")}), or the tokenizer-free {@link TokenEstimator}. {@link #AUTO}, the
 * default, picks the encoding of the model ({@link #forModel}); {@code LLM_TOKENIZER} or {@code
 * --tokenizer} names one instead.
 *
 * <p>Chat prompts add the overhead OpenAI documents for its chat models since gpt-3.5-turbo-0613
 * and gpt-4: 3 tokens per message plus its role's tokens, and 3 for the reply's priming. The
 * estimate keeps the original's 4 per message, role included, and 2 (the formula published for
 * gpt-3.5-turbo-0301).
 *
 * <p>The encodings are read from the jtokkit jar, never downloaded; each is loaded on first use.
 */
public enum Tokenizer {
  /** The model's encoding. */
  AUTO("auto", null, List.of()),
  /** GPT-4, GPT-3.5 Turbo, the embeddings; the original's encoding. */
  CL100K_BASE(
      "cl100k_base",
      EncodingType.CL100K_BASE,
      List.of(
          "<|endoftext|>",
          "<|fim_prefix|>",
          "<|fim_middle|>",
          "<|fim_suffix|>",
          "<|endofprompt|>")),
  /** GPT-4o, GPT-4.1, GPT-5, o1, o3, o4. */
  O200K_BASE("o200k_base", EncodingType.O200K_BASE, List.of("<|endoftext|>", "<|endofprompt|>")),
  /** text-davinci-002 and -003, the Codex models. */
  P50K_BASE("p50k_base", EncodingType.P50K_BASE, List.of("<|endoftext|>")),
  /** GPT-2 and GPT-3 (davinci, curie, babbage, ada). */
  R50K_BASE("r50k_base", EncodingType.R50K_BASE, List.of("<|endoftext|>")),
  /** No tokenizer: {@link TokenEstimator}'s 4 characters a token. */
  ESTIMATE("estimate", null, List.of());

  /** Chat overhead of the exact counts: each message's separators, besides its role. */
  static final int TOKENS_PER_MESSAGE = 3;

  /** Chat overhead of the exact counts: the reply's priming with the assistant's role. */
  static final int CHAT_REPLY_PRIMING = 3;

  private final String configName;
  private final EncodingType type;
  private final List<String> specialTokens;

  Tokenizer(String configName, EncodingType type, List<String> specialTokens) {
    this.configName = configName;
    this.type = type;
    this.specialTokens = specialTokens;
  }

  public String configName() {
    return configName;
  }

  /** This tokenizer, with {@link #AUTO} replaced by {@code model}'s encoding. */
  public Tokenizer resolve(String model) {
    return this == AUTO ? forModel(model) : this;
  }

  /**
   * The encoding of {@code model}, as tiktoken maps model names: the o200k_base families, then the
   * cl100k_base ones, then the older completion models. A provider prefix ({@code openai/}) and a
   * fine-tune's {@code ft:} are looked through. Any other model (a Llama on vLLM, say) is counted
   * with cl100k_base, as the original counted every prompt: close for BPE tokenizers of that size,
   * not exact.
   */
  public static Tokenizer forModel(String model) {
    return ModelEncodings.of(model);
  }

  /** The tokenizer called {@code name}; the error lists the accepted names. */
  public static Tokenizer fromConfigName(String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(t -> t.configName.equals(wanted))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("one of " + names()));
  }

  /** The accepted names, for errors and help: {@code auto, cl100k_base, ...}. */
  public static String names() {
    return Arrays.stream(values()).map(Tokenizer::configName).collect(Collectors.joining(", "));
  }

  /** Whether counts are exact: an encoding, not the estimate. */
  public boolean exact() {
    return type != null;
  }

  /** Tokens in one piece of text; special tokens written in it count as one each. */
  public int textTokens(String text) {
    if (this == ESTIMATE) {
      return TokenEstimator.textTokens(text);
    }
    if (this == AUTO) {
      throw new IllegalStateException("resolve the model's tokenizer first");
    }
    Encoding encoding = Registry.of(type);
    int tokens = 0;
    int start = 0;
    for (int at = text.indexOf("<|"); at >= 0; at = text.indexOf("<|", at + 1)) {
      String special = specialAt(text, at);
      if (special != null) {
        tokens += encoding.countTokensOrdinary(text.substring(start, at)) + 1;
        start = at + special.length();
        at = start - 1;
      }
    }
    return tokens + encoding.countTokensOrdinary(text.substring(start));
  }

  /** Tokens a chat message with {@code role} (the API's role string) adds to its content. */
  public int messageOverhead(String role) {
    return exact() ? TOKENS_PER_MESSAGE + textTokens(role) : TokenEstimator.TOKENS_PER_MESSAGE;
  }

  /** Tokens a chat prompt adds for the reply's priming. */
  public int chatReplyPriming() {
    return exact() ? CHAT_REPLY_PRIMING : TokenEstimator.CHAT_REPLY_PRIMING;
  }

  /** Prompt tokens of a request body (chat messages or a completion prompt). */
  public long promptTokens(JsonNode body) {
    return TokenEstimator.promptTokens(
        body, this::textTokens, this::messageOverhead, chatReplyPriming());
  }

  /** What a request counts against a tokens-per-minute budget: prompt plus completion allowance. */
  public long budgetTokens(JsonNode body) {
    return promptTokens(body) + TokenEstimator.completionAllowance(body);
  }

  private String specialAt(String text, int at) {
    for (String special : specialTokens) {
      if (text.startsWith(special, at)) {
        return special;
      }
    }
    return null;
  }

  /** One registry per process; it reads an encoding's ranks from the jar the first time. */
  private static final class Registry {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    static Encoding of(EncodingType type) {
      return REGISTRY.getEncoding(type);
    }
  }
}
