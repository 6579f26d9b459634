package org.neuronexplainer.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.llm.Tokenizer;

class PromptBuilderTest {

  private static PromptBuilder conversation() {
    return new PromptBuilder().system("S").user("U1").assistant("A1").user("U2");
  }

  @Test
  void chatKeepsTheMessages() {
    Prompt prompt = conversation().build(PromptFormat.CHAT);

    assertThat(prompt.text()).isNull();
    assertThat(prompt.messages())
        .containsExactly(
            Message.system("S"), Message.user("U1"), Message.assistant("A1"), Message.user("U2"));
  }

  @Test
  void noneConcatenatesTheContents() {
    assertThat(conversation().build(PromptFormat.NONE).text()).isEqualTo("SU1A1U2");
  }

  @Test
  void instructionFollowingMarksTheEndOfTheLastUserMessage() {
    Prompt prompt = conversation().assistant("A2").build(PromptFormat.INSTRUCTION_FOLLOWING);

    assertThat(prompt.text()).isEqualTo("SU1A1U2<|endofprompt|>A2");
  }

  @Test
  void theFirstMessageMustBeSystem() {
    assertThatThrownBy(() -> new PromptBuilder().user("U").build(PromptFormat.CHAT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("starts with a system message");
  }

  @Test
  void rolesMustAlternate() {
    PromptBuilder builder = new PromptBuilder().system("S").user("U1").user("U2");

    assertThatThrownBy(() -> builder.build(PromptFormat.CHAT))
        .hasMessageContaining("message 2 is from user, expected assistant");
  }

  @Test
  void theFirstTurnIsTheUser() {
    PromptBuilder builder = new PromptBuilder().system("S").assistant("A");

    assertThatThrownBy(() -> builder.build(PromptFormat.NONE))
        .hasMessageContaining("expected user");
  }

  @Test
  void extraSystemMessagesOnlyWhenAllowed() {
    PromptBuilder builder = new PromptBuilder().system("S").user("U").assistant("A").system("S2");
    builder.user("U2");

    assertThatThrownBy(() -> builder.build(PromptFormat.CHAT))
        .hasMessageContaining("extra system messages are not allowed");
    assertThat(builder.build(PromptFormat.CHAT, true).messages()).hasSize(5);
  }

  @Test
  void theEstimateCountsCharactersSeparatorsAndMessageOverhead() {
    TokenCounter counter = TokenCounter.approximate();

    // 9 characters -> 3 groups of 4, plus one tab and one newline.
    assertThat(counter.count("ab\tcd\nefg")).isEqualTo(5);
    assertThat(counter.count("")).isZero();
    Prompt chat = new PromptBuilder().system("abcd").user("abcdefgh").build(PromptFormat.CHAT);
    assertThat(counter.count(chat)).isEqualTo(2 + (4 + 1) + (4 + 2));
    Prompt text = new PromptBuilder().system("abcd").user("abcdefgh").build(PromptFormat.NONE);
    assertThat(counter.count(text)).isEqualTo(3);
  }

  @Test
  void exactCountsAddTheChatFormatsOverheadToTiktokensCounts() {
    TokenCounter counter = TokenCounter.of(Tokenizer.CL100K_BASE);
    Prompt chat =
        new PromptBuilder()
            .system("hello world")
            .user("tiktoken is great!")
            .build(PromptFormat.CHAT);

    // tiktoken's cl100k_base: "hello world" 2 tokens, "tiktoken is great!" 6 (tiktoken's tests and
    // the OpenAI Cookbook); "system" and "user" one each. Per message 3 and the role, plus 3.
    assertThat(counter.count(chat)).isEqualTo(3 + (3 + 1 + 2) + (3 + 1 + 6));
    assertThat(counter.count(new PromptBuilder().system("hello world").build(PromptFormat.NONE)))
        .isEqualTo(2);
  }
}
