package org.neuronexplainer.worker.classify;

/**
 * The scorer model's answer about one excerpt.
 *
 * @param yes fires (detection) or fits the explanation (fuzzing)
 * @param probability its probability of a yes from the answer's logprobs; null when none
 */
public record Answer(boolean yes, Double probability) {}
