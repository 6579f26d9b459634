package org.neuronexplainer.common.run;

/**
 * Where the view's explanations file of a neuron came from, kept beside the view at {@code
 * explanation-sources/{layer}/{neuron}.json} (outside {@code explanations/}, so the view stays in
 * the public layout). Written after the view's file; a reader trusts it only while {@link
 * #sha256()} is that of the file the view holds, since a second run may have replaced the file
 * since (see {@link RunRecords#explanationSourceKey}).
 *
 * @param runId the run whose results the view shows; null when not known (a view file written
 *     before sources were recorded)
 * @param methodVersion {@link RunSpec#methodVersion()} of that run, or null when not known
 * @param score the mean score of the file's explanations; null when undefined
 * @param publish the {@link PublishPolicy} by which the run replaced the view, or null
 * @param writtenMillis when the view's file was written, or 0 when not known
 * @param sha256 the SHA-256 of the view's file as written, lower-case hex, or null when not known
 */
public record ExplanationSource(
    String runId,
    String methodVersion,
    Double score,
    String publish,
    long writtenMillis,
    String sha256) {

  /** A view file with no record of where it came from, its score read from the file itself. */
  public static ExplanationSource unrecorded(Double score) {
    return new ExplanationSource(null, null, score, null, 0, null);
  }

  /** Whether this record describes {@code bytes}, the view's file as it is now. */
  public boolean describes(byte[] bytes) {
    return sha256 != null && sha256.equals(RunInput.sha256(bytes));
  }
}
