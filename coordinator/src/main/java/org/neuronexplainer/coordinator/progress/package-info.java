/**
 * Per-neuron progress of every run, folded from the events topic.
 *
 * <p>The {@link org.neuronexplainer.coordinator.progress.EventFollower} reads the compacted topic
 * from the beginning at every start, with no consumer group and no commits, so a restarted
 * coordinator ends in the state the topic implies. Events of one neuron and stage share a key and
 * so a partition: they arrive in order, and the newest wins (as compaction keeps it). Duplicates
 * from redeliveries are harmless: a neuron counts as completed once, and its tokens, cost and score
 * are those of its newest success.
 */
package org.neuronexplainer.coordinator.progress;
