package org.neuronexplainer.cli.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code neuron-explainer tokenize}: a subject model's tokens for some texts. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Prints the token ids and token strings of each TEXT.",
      "The tokenizer is the subject model's own: GPT-2's byte-level BPE (vocab.json and",
      "merges.txt, or GPT-2's tokenizer.json), or any other Hugging Face tokenizer.json",
      "(Llama, Mistral, Qwen 2, ...) through the tokenizers library. No special tokens",
      "are added (no BOS or EOS); special tokens written in the TEXT are matched.",
      "",
      "Token strings are decoded text with their leading spaces (SentencePiece's \u2581",
      "shows as a space, a byte token as its byte), so joined they give the text back,",
      "with the one space a SentencePiece tokenizer puts in front of it. A character",
      "split across tokens is shown on the token that completes it; the tokens before",
      "it show as empty strings."
    })
public final class TokenizeCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR|ID",
      description =
          "A Hugging Face checkpoint directory, GPT-2 or any other with a tokenizer.json (only"
              + " its tokenizer files are read),"
              + " or a hub id (gpt2, owner/name@revision) downloaded once into the local"
              + " cache (where: NEURON_EXPLAINER_CACHE).")
  String model;

  @Option(names = "--json", description = "Print one JSON array: {text, ids, tokens} per text.")
  boolean json;

  @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The texts to tokenize.")
  List<String> texts;

  @Override
  public Integer call() throws JsonProcessingException {
    try (SubjectTokenizer tokenizer =
        CaptureErrors.asUserErrors(() -> SubjectTokenizer.load(ModelDirectory.require(model)))) {
      print(tokenizer);
    }
    return 0;
  }

  private void print(SubjectTokenizer tokenizer) throws JsonProcessingException {
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode all = mapper.createArrayNode();
    for (String text : texts) {
      int[] ids = tokenizer.encode(text);
      List<String> tokens = tokenizer.tokenTexts(ids);
      if (json) {
        ObjectNode entry = all.addObject();
        entry.put("text", text);
        ArrayNode idArray = entry.putArray("ids");
        for (int id : ids) {
          idArray.add(id);
        }
        tokens.forEach(entry.putArray("tokens")::add);
      } else {
        out.printf("%s%n%d tokens%n", mapper.writeValueAsString(text), ids.length);
        for (int i = 0; i < ids.length; i++) {
          out.printf("%8d  %s%n", ids[i], mapper.writeValueAsString(tokens.get(i)));
        }
      }
    }
    if (json) {
      out.println(mapper.writeValueAsString(all));
    }
    out.flush();
  }
}
