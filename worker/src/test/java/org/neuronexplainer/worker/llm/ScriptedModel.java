package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.worker.simulate.EchoResponses;
import org.neuronexplainer.worker.simulate.LineSimulator;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * A model behind {@link ScriptedLlmServer} that answers every backend's requests the way a
 * well-behaved server would, for a days-of-the-week neuron: explainers get an explanation per
 * {@code n}, simulators predict 10 on day names and 0 elsewhere (echoed prompt logprobs, chat top
 * logprobs, JSON or {@code token<TAB>value} lines), and the classification scorers' requests (told
 * by their system message, the project's texts) get a JSON list of 0s and 1s, a yes where an
 * excerpt (detection) or every highlighted run (fuzzing) holds a day name, with logprobs; the
 * reviser's requests (told by their system message) get {@link #REVISION}. Its {@code usage}
 * reports the request's prompt tokens counted with the model's encoding ({@link
 * Tokenizer#forModel}), as a server would.
 */
public final class ScriptedModel
    implements Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> {
  /** The explanations it writes, one per choice in turn. */
  public static final List<String> EXPLANATIONS =
      List.of(
          " days of the week, such as Monday or Friday.",
          " names of weekdays in schedules.",
          " the day of the week on which something happens.");

  /** The revised explanation it writes, whatever it is shown. */
  public static final String REVISION = " the names of the days of the week, wherever they occur.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DAYS =
      Set.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");

  /** Whether the scripted neuron fires on {@code token}. */
  public static boolean fires(String token) {
    String word = token.strip().toLowerCase(Locale.ROOT);
    return DAYS.contains(word.endsWith("s") ? word.substring(0, word.length() - 1) : word);
  }

  @Override
  public ScriptedLlmServer.Reply apply(ScriptedLlmServer.Seen seen) {
    try {
      ObjectNode body = (ObjectNode) JSON.readTree(seen.body());
      boolean chat = seen.pathAndQuery().contains("/chat/completions");
      ObjectNode response;
      long completion;
      if (chat && classifier(body) != null) {
        response = classify(body, classifier(body) == PromptText.FUZZING_SYSTEM);
        completion = 2L * response.path("choices").path(0).path("logprobs").path("content").size();
      } else if (chat && revision(body)) {
        response = chatText(List.of(REVISION));
        completion = 12;
      } else if (!chat && body.path("echo").asBoolean()) {
        response = echo(body.path("prompt").asText());
        completion = 0;
      } else if (chat && body.has("top_logprobs")) {
        response = oneToken(lastMessage(body));
        completion = 1;
      } else if (lastPrompt(body, chat).contains(LineSimulator.END_MARKER)) {
        String lines = lineActivations(lastPrompt(body, chat));
        response = chat ? chatText(List.of(lines)) : completionText(List.of(lines));
        completion = lines.length() / 4;
      } else if (chat && lastMessage(body).startsWith("{")) {
        response = chatText(List.of(jsonActivations(lastMessage(body))));
        completion = response.toString().length() / 4;
      } else {
        int n = Math.max(1, body.path("n").asInt(1));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          texts.add(EXPLANATIONS.get(i % EXPLANATIONS.size()));
        }
        response = chat ? chatText(texts) : completionText(texts);
        completion = 12L * n;
      }
      response.put("model", body.path("model").asText());
      long promptTokens = Tokenizer.forModel(body.path("model").asText()).promptTokens(body);
      response
          .putObject("usage")
          .put("prompt_tokens", promptTokens)
          .put("completion_tokens", completion)
          .put("total_tokens", promptTokens + completion);
      return ScriptedLlmServer.Reply.json(200, response.toString());
    } catch (Exception e) {
      return ScriptedLlmServer.Reply.json(500, "{\"error\":\"" + e + "\"}");
    }
  }

  private static final PromptTexts TEXTS = PromptTexts.defaults();
  private static final Pattern DAY_WORD = Pattern.compile("[A-Za-z]+");
  private static final Pattern HIGHLIGHT = Pattern.compile("<<(.*?)>>");

  /** Whether a request asks for a revised explanation, by its system message. */
  private static boolean revision(JsonNode body) {
    String system = body.path("messages").path(0).path("content").asText();
    return system.equals(TEXTS.get(PromptText.REVISION_SYSTEM));
  }

  /** The classification scorer a request is for, by its system message; null for none. */
  private static PromptText classifier(JsonNode body) {
    String system = body.path("messages").path(0).path("content").asText();
    for (PromptText text : List.of(PromptText.DETECTION_SYSTEM, PromptText.FUZZING_SYSTEM)) {
      if (system.equals(TEXTS.get(text))) {
        return text;
      }
    }
    return null;
  }

  /** A classification answer: one digit per excerpt line, each with top logprobs (0.9 chosen). */
  private static ObjectNode classify(JsonNode body, boolean fuzzing) {
    String user = lastMessage(body);
    List<Integer> answers = new ArrayList<>();
    for (int i = 1; ; i++) {
      String prefix =
          TEXTS.format(PromptText.CLASSIFIER_EXCERPT_HEADING, Map.of("excerpt", i)) + " ";
      int at = user.indexOf("\n" + prefix);
      if (at < 0) {
        break;
      }
      int start = at + 1 + prefix.length();
      int end = user.indexOf('\n', start);
      String line = user.substring(start, end < 0 ? user.length() : end);
      boolean yes;
      if (fuzzing) {
        Matcher runs = HIGHLIGHT.matcher(line);
        yes = true;
        while (runs.find()) {
          yes &= hasDay(runs.group(1));
        }
      } else {
        yes = hasDay(line);
      }
      answers.add(yes ? 1 : 0);
    }
    ObjectNode response = JSON.createObjectNode();
    ObjectNode choice = response.putArray("choices").addObject();
    choice.putObject("message").put("role", "assistant").put("content", answers.toString());
    ArrayNode tokens = choice.putObject("logprobs").putArray("content");
    tokens.addObject().put("token", "[").put("logprob", 0.0);
    for (int i = 0; i < answers.size(); i++) {
      String digit = answers.get(i).toString();
      ObjectNode entry = tokens.addObject().put("token", (i == 0 ? "" : " ") + digit);
      entry.put("logprob", Math.log(0.9));
      ArrayNode top = entry.putArray("top_logprobs");
      top.addObject().put("token", digit).put("logprob", Math.log(0.9));
      top.addObject().put("token", digit.equals("1") ? "0" : "1").put("logprob", Math.log(0.1));
      tokens.addObject().put("token", i + 1 < answers.size() ? "," : "]").put("logprob", 0.0);
    }
    choice.put("finish_reason", "stop");
    return response;
  }

  private static boolean hasDay(String text) {
    Matcher words = DAY_WORD.matcher(text);
    while (words.find()) {
      if (fires(words.group())) {
        return true;
      }
    }
    return false;
  }

  private static String lastPrompt(JsonNode body, boolean chat) {
    return chat ? lastMessage(body) : body.path("prompt").asText();
  }

  private static String lastMessage(JsonNode body) {
    JsonNode messages = body.path("messages");
    return messages.path(messages.size() - 1).path("content").asText();
  }

  /**
   * All-at-once: the prompt echoed with " Friday" split in two, digits at every slot. Each slot's
   * token is the text between the previous line's end and the tab before {@code unknown}, so raw
   * tokens holding newlines are read whole.
   */
  private static ObjectNode echo(String prompt) {
    List<String> targets = new ArrayList<>();
    String hidden = "\tunknown\n";
    int at = prompt.lastIndexOf("<start>\n") + "<start>\n".length();
    for (int tab = prompt.indexOf(hidden, at); tab >= 0; tab = prompt.indexOf(hidden, at)) {
      targets.add(prompt.substring(at, tab));
      at = tab + hidden.length();
    }
    List<String> pieces =
        EchoResponses.replace(
            EchoResponses.pieces(prompt), List.of(" Friday"), List.of(" Fri", "day"));
    return EchoResponses.response(pieces, slot -> digits(fires(targets.get(slot))));
  }

  private static Map<String, Double> digits(boolean fires) {
    return fires ? Map.of("10", -0.1, "8", -3.0, "0", -4.0) : Map.of("0", -0.05, "1", -3.5);
  }

  /** One-at-a-time: chat top logprobs for the token the question names. */
  private static ObjectNode oneToken(String question) {
    String marker = "Last token in the text:\n";
    int at = question.lastIndexOf(marker) + marker.length();
    String token = question.substring(at, question.lastIndexOf("\n\n"));
    ObjectNode response = JSON.createObjectNode();
    ObjectNode choice = response.putArray("choices").addObject();
    Map<String, Double> top = digits(fires(token));
    String best = top.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
    choice.putObject("message").put("role", "assistant").put("content", best);
    ObjectNode first = choice.putObject("logprobs").putArray("content").addObject();
    first.put("token", best).put("logprob", top.get(best));
    ArrayNode alternatives = first.putArray("top_logprobs");
    top.forEach(
        (digit, logprob) -> alternatives.addObject().put("token", digit).put("logprob", logprob));
    return response;
  }

  /** Line protocol: the target's blank lines repeated with their values. */
  private static String lineActivations(String target) {
    String blank = "\t" + LineSimulator.END_MARKER + "\n";
    int start = target.indexOf('\n', target.indexOf("\n\n") + 2) + 1;
    String block = target.substring(start, target.lastIndexOf("\n\n\n") + 1);
    // Every line ends with the blank marker, so the last piece is empty.
    String[] tokens = block.split(Pattern.quote(blank), -1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < tokens.length - 1; i++) {
      out.append(tokens[i]).append('\t').append(fires(tokens[i]) ? 10 : 0);
      out.append(LineSimulator.END_MARKER).append('\n');
    }
    return out.toString();
  }

  /** JSON: the target object with every activation filled in, of each document if several. */
  private static String jsonActivations(String target) throws Exception {
    ObjectNode answer = (ObjectNode) JSON.readTree(target);
    List<JsonNode> documents = new ArrayList<>();
    answer.path("documents").forEach(documents::add);
    if (documents.isEmpty()) {
      documents.add(answer);
    }
    for (JsonNode document : documents) {
      for (JsonNode item : document.path("activations")) {
        ((ObjectNode) item).put("activation", fires(item.path("token").asText()) ? 10 : 0);
      }
    }
    return answer.toString();
  }

  private static ObjectNode chatText(List<String> texts) {
    ObjectNode response = JSON.createObjectNode();
    ArrayNode choices = response.putArray("choices");
    for (int i = 0; i < texts.size(); i++) {
      choices
          .addObject()
          .put("index", i)
          .put("finish_reason", "stop")
          .putObject("message")
          .put("role", "assistant")
          .put("content", texts.get(i));
    }
    return response;
  }

  private static ObjectNode completionText(List<String> texts) {
    ObjectNode response = JSON.createObjectNode();
    ArrayNode choices = response.putArray("choices");
    for (int i = 0; i < texts.size(); i++) {
      choices.addObject().put("index", i).put("text", texts.get(i)).put("finish_reason", "stop");
    }
    return response;
  }
}
