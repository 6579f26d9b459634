package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.llm.LlmRequest;

/**
 * The pure half of a model-backed simulator: which requests simulate a sequence and how their
 * responses become a {@link SequenceSimulation}. {@link LlmSimulator} sends them.
 *
 * <p>Most protocols simulate one sequence per group of requests. One that simulates several of a
 * neuron's sequences in one call says so with {@link #sequencesPerCall} and implements {@link
 * #groupRequests} and {@link #parseGroup}; a split is then cut into groups of that many sequences.
 */
public interface SimulationProtocol {

  /** The requests for one sequence, in the order {@link #parse} expects their responses. */
  List<LlmRequest> requests(String explanation, List<String> tokens);

  /**
   * The simulation from the responses to {@link #requests}, one per request, in order.
   *
   * @throws SimulationParseException when a response does not fit the sequence
   */
  SequenceSimulation parse(String explanation, List<String> tokens, List<JsonNode> responses);

  /** How many sequences one group of requests simulates at most: 1 unless overridden. */
  default int sequencesPerCall() {
    return 1;
  }

  /**
   * The requests for a group of at most {@link #sequencesPerCall} sequences, in the order {@link
   * #parseGroup} expects their responses.
   */
  default List<LlmRequest> groupRequests(String explanation, List<List<String>> sequences) {
    checkGroup(sequences.size());
    return requests(explanation, sequences.get(0));
  }

  /**
   * The simulations of a group, in the group's order, from the responses to {@link #groupRequests}.
   *
   * @throws SimulationParseException when a response does not fit the group: none of its sequences
   *     is taken from it
   */
  default List<SequenceSimulation> parseGroup(
      String explanation, List<List<String>> sequences, List<JsonNode> responses) {
    checkGroup(sequences.size());
    return List.of(parse(explanation, sequences.get(0), responses));
  }

  /** {@code sequences} in groups of at most {@link #sequencesPerCall}, in order. */
  default List<List<List<String>>> groups(List<List<String>> sequences) {
    int size = sequencesPerCall();
    List<List<List<String>>> groups = new ArrayList<>();
    for (int from = 0; from < sequences.size(); from += size) {
      groups.add(List.copyOf(sequences.subList(from, Math.min(sequences.size(), from + size))));
    }
    return groups;
  }

  /**
   * Every request that simulates {@code sequences} (one split of a neuron): its groups' requests,
   * in order. What a run sends for them, and what {@code run --dry-run} counts.
   */
  default List<LlmRequest> requestsForAll(String explanation, List<List<String>> sequences) {
    List<LlmRequest> requests = new ArrayList<>();
    for (List<List<String>> group : groups(sequences)) {
      requests.addAll(groupRequests(explanation, group));
    }
    return requests;
  }

  private void checkGroup(int size) {
    if (size < 1 || size > sequencesPerCall()) {
      throw new IllegalArgumentException(
          "a group of " + size + " sequences for a protocol of " + sequencesPerCall() + " a call");
    }
  }
}
