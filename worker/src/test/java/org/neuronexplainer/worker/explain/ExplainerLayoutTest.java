package org.neuronexplainer.worker.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.prompt.Message;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The explainers' prompts byte for byte, in the shapes of the original's explainer tests: the
 * shipped test few-shot set ({@link FewShotSet#TEST}), the original's inputs (the example's own
 * records as the target; the tokens foo, bar, baz), the project's texts, every expected string
 * written out.
 */
class ExplainerLayoutTest {
  private static final String SYSTEM =
      """
      You are studying one neuron inside a language model. A neuron responds to some particular \
      pattern in short pieces of text. You will see documents split into tokens, each followed by \
      how strongly the neuron responded to it. Work out what the neuron responds to and describe \
      it in one short sentence. Describe the pattern itself; do not just list the tokens it fired \
      on.

      Each line has the form token<tab>activation. Activations are whole numbers from 0 to 10. 0 \
      means the neuron did not respond; any value above 0 means the token matches the pattern, \
      and a larger value means a stronger match. Each document is enclosed in <start> and <end> \
      lines.""";

  private static final String TOKEN_SPACE_SYSTEM =
      "You are studying one neuron inside a language model. This neuron responds most strongly to"
          + " certain tokens of the vocabulary. You will see the tokens it responds to most, in"
          + " order. Say in one short sentence what kind of token the neuron looks for. Describe"
          + " the kind; do not just repeat tokens from the list.";

  /** One neuron's header and records as the test set shows them; the same for both neurons. */
  private static String section(int neuron) {
    return """


        Neuron %d
        Activations:
        <start>
        a\t10
        b\t0
        c\t0
        <end>
        <start>
        d\t0
        e\t10
        f\t0
        <end>

        Explanation of neuron %d behavior:"""
        .formatted(neuron, neuron);
  }

  private static TokenActivationPairExplainer pairExplainer(PromptFormat format) {
    return new TokenActivationPairExplainer(
        ExplainerSettings.defaults("m", format),
        FewShotSet.TEST.examples().examples(),
        TokenCounter.approximate());
  }

  private static List<ActivationRecord> exampleRecords() {
    FewShotExample example = FewShotSet.TEST.examples().examples().get(0);
    return example.records();
  }

  @Test
  void instructionFollowingPromptIsTheOriginalsLayout() {
    String prompt =
        pairExplainer(PromptFormat.INSTRUCTION_FOLLOWING).prompt(exampleRecords()).text();

    assertThat(prompt)
        .isEqualTo(
            SYSTEM
                + section(1)
                + " the main thing this neuron does is find vowels."
                + section(2)
                + "<|endofprompt|> the main thing this neuron does is find");
  }

  @Test
  void completionPromptIsTheOriginalsLayout() {
    String prompt = pairExplainer(PromptFormat.NONE).prompt(exampleRecords()).text();

    assertThat(prompt)
        .isEqualTo(
            SYSTEM
                + section(1)
                + " the main thing this neuron does is find vowels."
                + section(2)
                + " the main thing this neuron does is find");
  }

  @Test
  void chatPromptIsTheOriginalsMessages() {
    Prompt prompt = pairExplainer(PromptFormat.CHAT).prompt(exampleRecords());

    assertThat(prompt.text()).isNull();
    assertThat(prompt.messages())
        .containsExactly(
            Message.system(SYSTEM),
            Message.user(section(1) + " the main thing this neuron does is find"),
            Message.assistant(" vowels."),
            Message.user(section(2) + " the main thing this neuron does is find"));
  }

  @Test
  void sparseRecordsAreRepeatedUnderTheirOwnHeaderBetweenBlankLines() {
    // One non-zero value of six: under the 20% share, so the records come again without zeros.
    ActivationRecord sparse =
        new ActivationRecord(
            List.of("x", "y", "z", "u", "v", "w"), new double[] {0, 0, 4, 0, 0, 0});
    Prompt prompt = pairExplainer(PromptFormat.CHAT).prompt(List.of(sparse));

    assertThat(prompt.messages().get(3).content())
        .isEqualTo(
            """


            Neuron 2
            Activations:
            <start>
            x\t0
            y\t0
            z\t10
            u\t0
            v\t0
            w\t0
            <end>

            The same activations with every 0 left out:
            <start>
            z\t10
            <end>

            Explanation of neuron 2 behavior: the main thing this neuron does is find""");
  }

  @Test
  void tokensAreWrittenRawByDefault() {
    ActivationRecord newlines =
        new ActivationRecord(List.of("one", "\n", "<|endoftext|>"), new double[] {0, 5, 5});
    Prompt prompt = pairExplainer(PromptFormat.CHAT).prompt(List.of(newlines));

    assertThat(prompt.messages().get(3).content())
        .contains("<start>\none\t0\n\n\t10\n<|endoftext|>\t10\n<end>\n");
  }

  @Test
  void tokensAndExampleExplanationsAreEscapedWhenAskedFor() {
    ActivationRecord newlines =
        new ActivationRecord(List.of("one", "\n", "<|endoftext|>"), new double[] {0, 5, 5});
    List<FewShotExample> multiLine =
        List.of(new FewShotExample("vowels,\nmostly", exampleRecords(), List.of(0, 1), null));
    Prompt prompt =
        new TokenActivationPairExplainer(
                ExplainerSettings.defaults("m", PromptFormat.CHAT).withEscapeTokens(true),
                multiLine,
                TokenCounter.approximate())
            .prompt(List.of(newlines));

    assertThat(prompt.messages().get(2).content()).isEqualTo(" vowels, mostly.");
    assertThat(prompt.messages().get(3).content())
        .contains("<start>\none\t0\n\\n\t10\n<_|endoftext|>\t10\n<end>\n");
  }

  private static TokenSpaceExplainer tokenSpaceExplainer(PromptFormat format) {
    return new TokenSpaceExplainer(
        ExplainerSettings.defaults("m", format),
        FewShotSet.TEST.examples().tokenSpaceExamples(),
        TokenSpaceExplainer.ALL_TOKENS,
        TokenCounter.approximate());
  }

  private static final List<String> FOO_BAR_BAZ = List.of("foo", "bar", "baz");

  @Test
  void tokenSpaceInstructionFollowingPromptIsTheOriginalsLayout() {
    String prompt =
        tokenSpaceExplainer(PromptFormat.INSTRUCTION_FOLLOWING).prompt(FOO_BAR_BAZ).text();

    assertThat(prompt)
        .isEqualTo(
            TOKEN_SPACE_SYSTEM
                + """




                Tokens:
                'one', ' two', ' three'

                Explanation:
                This neuron is looking for words that name small numbers.



                Tokens:
                'foo', 'bar', 'baz'

                Explanation:
                <|endofprompt|>This neuron is looking for""");
  }

  @Test
  void tokenSpaceChatPromptIsTheOriginalsMessages() {
    Prompt prompt = tokenSpaceExplainer(PromptFormat.CHAT).prompt(FOO_BAR_BAZ);

    assertThat(prompt.messages())
        .containsExactly(
            Message.system(TOKEN_SPACE_SYSTEM),
            Message.user(
                """




                Tokens:
                'one', ' two', ' three'

                Explanation:
                This neuron is looking for"""),
            Message.assistant(" words that name small numbers."),
            Message.user(
                """




                Tokens:
                'foo', 'bar', 'baz'

                Explanation:
                This neuron is looking for"""));
  }

  @Test
  void tokenSpaceShowsTheChosenSetsTokenSpaceExamplesAndNoneOtherwise() {
    ExplainerSettings settings = ExplainerSettings.defaults("m", PromptFormat.CHAT);
    PromptInputs test =
        new PromptInputs(PromptTexts.defaults(), FewShotSet.TEST.examples(), null, false);
    PromptInputs noTokenSpace =
        new PromptInputs(PromptTexts.defaults(), FewShotSet.EXPLANATION.examples(), null, false);

    assertThat(tokenSpace(settings).prompt(FOO_BAR_BAZ).messages()).hasSize(2);
    assertThat(tokenSpace(settings.withPrompts(noTokenSpace)).prompt(FOO_BAR_BAZ).messages())
        .hasSize(2);
    assertThat(tokenSpace(settings.withPrompts(test)).prompt(FOO_BAR_BAZ))
        .isEqualTo(tokenSpaceExplainer(PromptFormat.CHAT).prompt(FOO_BAR_BAZ));
  }

  private static TokenSpaceExplainer tokenSpace(ExplainerSettings settings) {
    return (TokenSpaceExplainer)
        ExplainerKind.TOKEN_SPACE.create(settings, TokenCounter.approximate());
  }

  @Test
  void tokenSpaceCompletionPromptWithoutExamplesByDefault() {
    TokenSpaceExplainer explainer =
        new TokenSpaceExplainer(ExplainerSettings.defaults("m", PromptFormat.NONE));

    assertThat(explainer.prompt(List.of("it's", "a\tb")).text())
        .isEqualTo(
            TOKEN_SPACE_SYSTEM
                + "\n\n\n\nTokens:\n'it's', 'a\tb'\n\nExplanation:\nThis neuron is looking for");
  }

  @Test
  void tokenSpaceTokensAreEscapedAndQuotesBackslashedWhenAskedFor() {
    TokenSpaceExplainer explainer =
        new TokenSpaceExplainer(
            ExplainerSettings.defaults("m", PromptFormat.NONE).withEscapeTokens(true));

    assertThat(explainer.prompt(List.of("it's", "a\tb")).text())
        .endsWith("\nTokens:\n'it\\'s', 'a\\tb'\n\nExplanation:\nThis neuron is looking for");
  }
}
