/**
 * The commands that run a subject model in this process: {@code capture}, {@code activations},
 * {@code tokenize}, {@code weights}, {@code collate}, {@code create-model} and {@code bench}, with
 * the options and model lookup ({@code --model} as a directory, a hub id or the smoke model) that
 * {@code run} and {@code submit} share. Input errors from the capture code become user errors here.
 */
package org.neuronexplainer.cli.capture;
