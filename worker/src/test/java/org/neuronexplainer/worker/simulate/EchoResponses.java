package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scripted echo responses of a completions endpoint, as OpenAI's legacy API shapes them: {@code
 * logprobs.tokens}, {@code top_logprobs} (null at position 0) and {@code text_offset}.
 */
public final class EchoResponses {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PIECE =
      Pattern.compile("\\n|\\t|<| ?[A-Za-z0-9]+|.", Pattern.DOTALL);

  private EchoResponses() {}

  /** {@code text} cut roughly the way a BPE tokenizer would. */
  public static List<String> pieces(String text) {
    List<String> pieces = new ArrayList<>();
    Matcher matcher = PIECE.matcher(text);
    while (matcher.find()) {
      pieces.add(matcher.group());
    }
    return pieces;
  }

  /** {@code pieces} with every run equal to {@code from} replaced by {@code to}. */
  public static List<String> replace(List<String> pieces, List<String> from, List<String> to) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < pieces.size(); ) {
      if (i + from.size() <= pieces.size() && pieces.subList(i, i + from.size()).equals(from)) {
        out.addAll(to);
        i += from.size();
      } else {
        out.add(pieces.get(i++));
      }
    }
    return out;
  }

  /**
   * The response echoing {@code pieces}. The k-th target slot (a position after the last {@code
   * <start>} whose text begins with {@code unknown} right after a tab) gets {@code
   * slotTop.apply(k)}; every other position after the first gets its own piece as the likely token.
   */
  public static ObjectNode response(List<String> pieces, IntFunction<Map<String, Double>> slotTop) {
    String text = String.join("", pieces);
    int lastStart = text.lastIndexOf("<start>");
    ObjectNode response = JSON.createObjectNode();
    ObjectNode choice = response.putArray("choices").addObject();
    choice.put("text", text).put("index", 0).put("finish_reason", "length");
    ObjectNode logprobs = choice.putObject("logprobs");
    ArrayNode tokens = logprobs.putArray("tokens");
    ArrayNode top = logprobs.putArray("top_logprobs");
    ArrayNode offsets = logprobs.putArray("text_offset");
    int at = 0;
    int slot = 0;
    for (int i = 0; i < pieces.size(); i++) {
      String piece = pieces.get(i);
      tokens.add(piece);
      offsets.add(at);
      boolean isSlot =
          at > lastStart && text.startsWith("unknown", at) && text.charAt(at - 1) == '\t';
      if (i == 0) {
        top.addNull();
      } else if (isSlot) {
        ObjectNode candidates = top.addObject();
        slotTop.apply(slot++).forEach(candidates::put);
      } else {
        top.addObject().put(piece, -0.01);
      }
      at += piece.length();
    }
    return response;
  }
}
