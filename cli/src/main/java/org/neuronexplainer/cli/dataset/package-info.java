/**
 * The commands that work on stored dataset files, offline: {@code validate} checks them against the
 * public format and {@code rescore} recomputes their scores. Neither calls a model.
 */
package org.neuronexplainer.cli.dataset;
