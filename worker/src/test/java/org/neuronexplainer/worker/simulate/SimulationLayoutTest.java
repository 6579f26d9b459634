package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.worker.fewshot.FewShotExamples;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.prompt.Message;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptFormat;

/**
 * The simulators' prompts written out whole, with the test few-shot set and the project's texts:
 * the shapes of the original's simulator prompt tests (all-at-once and one-at-a-time, each as a
 * string and as chat messages), and the line protocol's.
 */
class SimulationLayoutTest {
  private static final FewShotExamples EXAMPLES = FewShotSet.TEST.examples();
  private static final List<String> TOKENS = List.of("0", "1", "2");

  private static final String ALL_AT_ONCE_SYSTEM =
      """
      You are studying one neuron inside a language model. A neuron responds to some particular \
      pattern in short pieces of text. Read the explanation of what a neuron responds to, then \
      predict how strongly it responds to each token of a document.

      Each line has the form token<tab>activation. Activations are whole numbers from 0 to 10, \
      where 0 means no response and 10 the strongest; most activations are 0. "unknown" stands \
      for an activation that has not been given yet.
      """;

  private static final String ONE_AT_A_TIME_SYSTEM =
      """
      You are studying one neuron inside a language model. A neuron responds to some particular \
      pattern in short pieces of text. Read the explanation of what a neuron responds to, then \
      predict how strongly it responds to one token of a document.

      Each line has the form token<tab>activation. Activations are whole numbers from 0 to 10, \
      where 0 means no response and 10 the strongest; most activations are 0.

      """;

  private static final String SINGLE_TOKEN_SYSTEM =
      "Now predict the activation of a single token of a new neuron, given the text up to and"
          + " including that token. Answer with one whole number from 0 to 10 and nothing else.";

  private static AllAtOnceSimulator allAtOnce(PromptFormat format) {
    return new AllAtOnceSimulator("m", format, EXAMPLES.examples(), 15, 0);
  }

  private static Prompt oneAtATime(PromptFormat format) {
    return new OneAtATimeSimulator("m", format, EXAMPLES)
        .prompt("numbers and nothing else", TOKENS, 1);
  }

  @Test
  void allAtOnceInstructionFollowing() {
    String expected =
        ALL_AT_ONCE_SYSTEM
            + """


            Neuron 1
            Explanation of neuron 1 behavior: the main thing this neuron does is find vowels
            Activations:\s
            <start>
            a\t10
            b\t0
            c\t0
            <end>
            <start>
            d\tunknown
            e\t10
            f\t0
            <end>



            Neuron 2
            Explanation of neuron 2 behavior: the main thing this neuron does is find \
            EXPLANATION<|endofprompt|>
            Activations:\s
            <start>
            0\tunknown
            1\tunknown
            2\tunknown
            <end>
            """;

    assertThat(allAtOnce(PromptFormat.INSTRUCTION_FOLLOWING).prompt("EXPLANATION", TOKENS).text())
        .isEqualTo(expected);
  }

  @Test
  void allAtOnceChat() {
    List<Message> expected =
        List.of(
            Message.system(ALL_AT_ONCE_SYSTEM),
            Message.user(
                """


                Neuron 1
                Explanation of neuron 1 behavior: the main thing this neuron does is find vowels\
                """),
            Message.assistant(
                """

                Activations:\s
                <start>
                a\t10
                b\t0
                c\t0
                <end>
                <start>
                d\tunknown
                e\t10
                f\t0
                <end>

                """),
            Message.user(
                """


                Neuron 2
                Explanation of neuron 2 behavior: the main thing this neuron does is find \
                EXPLANATION\
                """),
            Message.assistant(
                """

                Activations:\s
                <start>
                0\tunknown
                1\tunknown
                2\tunknown
                <end>
                """));

    Prompt prompt = allAtOnce(PromptFormat.CHAT).prompt("EXPLANATION", TOKENS);

    assertThat(prompt.isChat()).isTrue();
    assertThat(prompt.messages()).containsExactlyElementsOf(expected);
  }

  @Test
  void oneAtATimeInstructionFollowing() {
    String expected =
        ONE_AT_A_TIME_SYSTEM
            + """
            Neuron 1
            Explanation of neuron 1 behavior: the main thing this neuron does is find vowels
            Activations:\s
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


            """
            + SINGLE_TOKEN_SYSTEM
            + """

            Neuron 2
            Explanation of neuron 2 behavior: the main thing this neuron does is find numbers \
            and nothing else
            Text:
            ghi

            Last token in the text:
            i

            Activation of the last token, in the context of the text:
            10


            Neuron 3
            Explanation of neuron 3 behavior: the main thing this neuron does is find numbers \
            and nothing else
            Text:
            01

            Last token in the text:
            1

            Activation of the last token, in the context of the text:
            <|endofprompt|>""";

    assertThat(oneAtATime(PromptFormat.INSTRUCTION_FOLLOWING).text()).isEqualTo(expected);
  }

  @Test
  void oneAtATimeChat() {
    List<Message> expected =
        List.of(
            Message.system(ONE_AT_A_TIME_SYSTEM),
            Message.user(
                """
                Neuron 1
                Explanation of neuron 1 behavior: the main thing this neuron does is find vowels
                """),
            Message.assistant(
                """
                Activations:\s
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


                """),
            Message.system(SINGLE_TOKEN_SYSTEM),
            Message.user(
                """

                Neuron 2
                Explanation of neuron 2 behavior: the main thing this neuron does is find \
                numbers and nothing else
                Text:
                ghi

                Last token in the text:
                i

                Activation of the last token, in the context of the text:
                """),
            Message.assistant("10\n\n"),
            Message.user(
                """

                Neuron 3
                Explanation of neuron 3 behavior: the main thing this neuron does is find \
                numbers and nothing else
                Text:
                01

                Last token in the text:
                1

                Activation of the last token, in the context of the text:
                """));

    assertThat(oneAtATime(PromptFormat.CHAT).messages()).containsExactlyElementsOf(expected);
  }

  @Test
  void lineProtocolChat() {
    List<Message> expected =
        List.of(
            Message.system(
                """
                You are studying one neuron inside a language model. A neuron responds to some \
                particular pattern in short pieces of text. Read the explanation of what a neuron \
                responds to, then predict how strongly it responds to each token of a document.

                Each line has the form token<tab>activation. Activations are whole numbers from 0 \
                to 10, where 0 means no response and 10 the strongest; most activations are 0.
                Each sequence is given first as its tokens with the activations left blank. \
                Repeat the same tokens exactly, one line each, with the activations filled in.
                """),
            Message.user(
                """
                Neuron 1
                Explanation of neuron 1 behavior: the main thing this neuron does is find vowels

                Sequence 1, tokens only:
                a\t\u0F17
                b\t\u0F17
                c\t\u0F17


                Sequence 1, tokens with activations:
                """),
            Message.assistant(
                """
                a\t10\u0F17
                b\t0\u0F17
                c\t0\u0F17


                """),
            Message.user(
                """
                Sequence 2, tokens only:
                d\t\u0F17
                e\t\u0F17
                f\t\u0F17


                Sequence 2, tokens with activations:
                """),
            Message.assistant(
                """
                d\t0\u0F17
                e\t10\u0F17
                f\t0\u0F17


                """),
            Message.user(
                """
                Neuron 2
                Explanation of neuron 2 behavior: the main thing this neuron does is find \
                EXPLANATION

                Sequence 1, tokens only:
                0\t\u0F17
                1\t\u0F17
                2\t\u0F17


                Sequence 1, tokens with activations:
                """));

    Prompt prompt =
        new LineSimulator("m", PromptFormat.CHAT, EXAMPLES.examples(), false)
            .prompt("EXPLANATION", TOKENS);

    assertThat(prompt.messages()).containsExactlyElementsOf(expected);
  }
}
