package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.llm.LlmRequest;

/**
 * The pure half of a model-backed simulator: which requests simulate a sequence and how their
 * responses become a {@link SequenceSimulation}. {@link LlmSimulator} sends them.
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
}
