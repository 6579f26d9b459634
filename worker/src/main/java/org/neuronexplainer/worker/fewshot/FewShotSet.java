package org.neuronexplainer.worker.fewshot;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bundled few-shot sets, data files under {@code org/neuronexplainer/worker/fewshot/} in the
 * {@link FewShotFile} format, written for this project with the structure docs/method.md 3.4
 * describes. They are read and validated on first use; a malformed file is a build defect and fails
 * loudly.
 */
public enum FewShotSet {
  /**
   * Three neurons with two records each and first revealed indices: for the token-activation-pair
   * explainer and the all-at-once simulator (the role of the original's ORIGINAL set).
   */
  EXPLANATION("explanation-examples.json"),
  /**
   * Two neurons with longer records plus a single-token worked example: for the one-at-a-time and
   * JSON simulators (the role of the original's NEWER set).
   */
  SIMULATION("simulation-examples.json"),
  /**
   * The smallest set that exercises every prompt kind, shaped like the original's test set: one
   * neuron ("vowels") with two records of three tokens, one activation of 10 in each; a
   * single-token example; one token-space example. For replaying prompt layouts in tests.
   */
  TEST("test-examples.json");

  private final String resource;
  private volatile FewShotExamples loaded;

  FewShotSet(String resource) {
    this.resource = resource;
  }

  /** This set's examples, loaded once. */
  public FewShotExamples examples() {
    FewShotExamples examples = loaded;
    if (examples == null) {
      examples = load();
      loaded = examples;
    }
    return examples;
  }

  private FewShotExamples load() {
    try (InputStream in = FewShotSet.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("few-shot resource " + resource + " is missing");
      }
      return FewShotFile.parse(in.readAllBytes(), resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read few-shot resource " + resource, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("few-shot resource " + resource + " is invalid", e);
    }
  }

  /** The examples of a few-shot document in the documented format ({@link FewShotFile}). */
  public static FewShotExamples parse(JsonNode root) {
    return FewShotFile.parse(root, "few-shot set");
  }

  /** This set's file as shipped, for recording what a run used. */
  public byte[] bytes() {
    try (InputStream in = FewShotSet.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("few-shot resource " + resource + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read few-shot resource " + resource, e);
    }
  }

  /** The name a run records for this set: {@code default:} and its file name. */
  public String recordedName() {
    return "default:" + resource;
  }
}
