/**
 * The {@code neuron-explainer} command line: {@link org.neuronexplainer.cli.Main} lists every
 * command, and {@link org.neuronexplainer.cli.UserException} is how any of them reports a mistake
 * in the user's input (one line, no stack trace). The commands live in one package per feature.
 */
package org.neuronexplainer.cli;
